import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { contractUsageForTenant } from "~/modules/metering/contract-usage.server";
import { drawUsage } from "~/modules/metering/usage-charts.server";
import { getDb } from "~/utils/db.server";
import { useUsageFormat } from "~/components/charts";
import { useT } from "~/components/i18n";

/**
 * /app/usage/:contractId/days?month=YYYY-MM — the usage page with its table of figures per day open
 * below the charts (the page's "Show the table" link): each day's highest hourly in and out, peak
 * power and energy used. Scoped like the page; its month is picked the same way.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "usage:read");
  const u = await contractUsageForTenant(await getDb(), { orgId: user.orgId }, params.contractId ?? "", new URL(request.url).searchParams.get("month"));
  if (!u) notFound();
  return json({
    month: u.month,
    bandwidth: u.meters.some((m) => m.kind === "bandwidth"),
    power: u.meters.some((m) => m.kind === "power"),
    days: drawUsage(u).days,
  });
}

export default function UsageDays() {
  const d = useLoaderData<typeof loader>();
  const tr = useT();
  const f = useUsageFormat();
  // The units are in the column headings; a day without a figure of that kind shows a dash.
  const none = tr("usage.none");
  const figure = (v: number | string | null, digits: number) => (v === null ? none : f.num(v, digits));
  return (
    <div className="table-scroll usage-days">
      <table className="table">
        <caption className="visually-hidden">{tr("usage.days.caption", { month: f.month(d.month) })}</caption>
        <thead>
          <tr>
            <th scope="col">{tr("usage.col.day")}</th>
            {d.bandwidth ? (
              <>
                <th scope="col" className="num">{tr("usage.days.colIn")}</th>
                <th scope="col" className="num">{tr("usage.days.colOut")}</th>
              </>
            ) : null}
            {d.power ? (
              <>
                <th scope="col" className="num">{tr("usage.days.colPower")}</th>
                <th scope="col" className="num">{tr("usage.days.colEnergy")}</th>
              </>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {d.days.map((r) => (
            <tr key={r.day}>
              <th scope="row">{f.dayShort(d.month, r.day)}</th>
              {d.bandwidth ? (
                <>
                  <td className="num">{figure(r.inMbps, 1)}</td>
                  <td className="num">{figure(r.outMbps, 1)}</td>
                </>
              ) : null}
              {d.power ? (
                <>
                  <td className="num">{figure(r.powerW === null ? null : r.powerW / 1000, 2)}</td>
                  <td className="num">{figure(r.kwh, 1)}</td>
                </>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
