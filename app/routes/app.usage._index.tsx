import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireTenant } from "~/modules/auth/session.server";
import { usageOverview } from "~/modules/metering/contract-usage.server";
import { shortRef } from "~/modules/requests/requests.server";
import { getDb } from "~/utils/db.server";
import { useUsageFormat } from "~/components/charts";
import { useT } from "~/components/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "usage:read");
  const { active, ended } = await usageOverview(await getDb(), { orgId: user.orgId });
  return json({
    contracts: active.map(({ usage: u, ...c }) => ({
      id: c.id,
      ref: shortRef(c.id),
      siteCode: c.site_code,
      siteName: c.site_name,
      currency: c.currency,
      month: u.month,
      inProgress: u.inProgress,
      hasBandwidthMeter: u.meters.some((m) => m.kind === "bandwidth"),
      hasPowerMeter: u.meters.some((m) => m.kind === "power"),
      commitMbps: u.bandwidth.commitMbps,
      p95Mbps: u.bandwidth.p95Mbps,
      overageMinor: u.bandwidth.overageMinor,
      burst: u.bandwidth.burst,
      kwh: u.energy.kwh,
      energyCostMinor: u.energy.costMinor,
    })),
    ended: ended.map((c) => ({ id: c.id, ref: shortRef(c.id), siteCode: c.site_code, siteName: c.site_name, endOn: c.end_on })),
  });
}

export default function UsageOverview() {
  const { contracts, ended } = useLoaderData<typeof loader>();
  const tr = useT();
  const f = useUsageFormat();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("usage.title")}</h1>
          <p className="muted">{tr("usage.intro")}</p>
        </div>
      </div>
      {contracts.length === 0 && ended.length === 0 ? (
        <section className="card">
          <p className="muted">{tr("usage.empty")}</p>
        </section>
      ) : null}
      <div className="usage-cards">
        {contracts.map((c) => {
          const money = (minor: number) => f.money(minor, c.currency);
          const ratio = c.commitMbps > 0 && c.p95Mbps !== null ? Number(c.p95Mbps) / c.commitMbps : null;
          return (
            <section key={c.id} className="card usage-card" aria-labelledby={`usage-${c.id}`}>
              <header>
                <h2 id={`usage-${c.id}`}>
                  <strong>{c.siteCode}</strong> · {tr("usage.contractRef", { ref: c.ref })}
                </h2>
                <p className="muted small">
                  {c.siteName} · {tr(c.inProgress ? "usage.monthInProgress" : "usage.monthClosed", { month: f.month(c.month) })}
                </p>
              </header>
              {!c.hasBandwidthMeter && !c.hasPowerMeter ? (
                <p className="muted">{tr("usage.noMeterShort")}</p>
              ) : (
                <dl className="usage-figures">
                  {c.hasBandwidthMeter ? (
                    <>
                      <div>
                        <dt>{tr(c.inProgress ? "usage.p95SoFar" : "usage.p95Month")}</dt>
                        <dd>
                          <strong>{f.mbps(c.p95Mbps)}</strong>
                          <span className="muted small"> · {tr("usage.ofCommit", { commit: c.commitMbps > 0 ? f.mbps(c.commitMbps) : tr("usage.noCommit") })}</span>
                          {ratio !== null ? (
                            <span className={`usage-gauge${ratio > 1 ? " usage-gauge--over" : ratio >= 0.8 ? " usage-gauge--high" : ""}`} aria-hidden="true">
                              <span style={{ width: `${(Math.min(1, ratio) * 100).toFixed(1)}%` }} />
                            </span>
                          ) : null}
                        </dd>
                      </div>
                      <div>
                        <dt>{tr(c.inProgress ? "usage.overageProjected" : "usage.overageMonth")}</dt>
                        <dd className={c.overageMinor > 0 ? "usage-over" : undefined}>
                          <strong>{money(c.overageMinor)}</strong>
                        </dd>
                      </div>
                    </>
                  ) : null}
                  {c.hasPowerMeter ? (
                    <div>
                      <dt>{tr(c.inProgress ? "usage.energySoFar" : "usage.energyMonth")}</dt>
                      <dd>
                        <strong>{f.kwh(c.kwh)}</strong>
                        <span className="muted small"> · {tr("usage.energyCostSoFar", { cost: money(c.energyCostMinor) })}</span>
                      </dd>
                    </div>
                  ) : null}
                </dl>
              )}
              <p className="usage-card-link">
                <Link to={`/app/usage/${c.id}`}>{tr("usage.open")} →</Link>
              </p>
            </section>
          );
        })}
      </div>
      {ended.length ? (
        <section className="card">
          <h2>{tr("usage.ended")}</h2>
          <ul className="list">
            {ended.map((c) => (
              <li key={c.id}>
                <div>
                  <strong>{c.siteCode}</strong> · {tr("usage.contractRef", { ref: c.ref })}
                  <div className="muted small">
                    {c.siteName}
                    {c.endOn ? <> · {tr("usage.endedOn", { date: f.date(c.endOn) })}</> : null}
                  </div>
                </div>
                <Link to={`/app/usage/${c.id}`}>{tr("usage.open")}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
