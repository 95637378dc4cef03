import { useFetcher, useRouteLoaderData } from "@remix-run/react";
import type { SerializeFrom } from "@remix-run/node";
import type { RenewalPanel } from "~/modules/renewals/views.server";
import type { RenewalActionData } from "~/routes/app.services.$contractId.renewal";
import { Alert } from "~/components/forms";
import { useFormat, useLocale, useT } from "~/components/i18n";

/**
 * The renewal panel of the tenant's contract page (app/routes/app.services.$contractId.tsx, whose
 * loader gives `renewal`): commitment end, renewal status, notice deadline, new prices announced,
 * and the notice of non-renewal for owners and admins until the deadline (posted to
 * /app/services/:contractId/renewal; the page reloads its data after it).
 */
export function ContractRenewal() {
  const data = useRouteLoaderData("routes/app.services.$contractId") as { renewal?: SerializeFrom<RenewalPanel> | null } | undefined;
  const r = data?.renewal;
  const fetcher = useFetcher<RenewalActionData>();
  const tr = useT();
  const locale = useLocale();
  const format = useFormat();
  if (!r) return null;
  const busy = fetcher.state !== "idle";
  const answer = fetcher.data;

  const status =
    r.status === "renews"
      ? tr("renewals.panel.renews", { date: format.date(r.renewsOn), months: r.termMonths, until: format.date(r.renewedUntil) })
      : r.status === "notice_given"
        ? tr("renewals.panel.noticeGiven", { date: format.date(r.commitmentEndsOn) })
        : tr("renewals.panel.ends", { date: format.date(r.endOn ?? r.commitmentEndsOn) });

  return (
    <section className="card contract-renewal" aria-labelledby="renewal-title">
      <h2 id="renewal-title">{tr("renewals.panel.title")}</h2>
      <dl className="facts facts--tight">
        <dt>{tr("renewals.panel.commitmentEnd")}</dt>
        <dd>{format.date(r.commitmentEndsOn)}</dd>
        <dt>{tr("renewals.panel.status")}</dt>
        <dd data-renewal-status={r.status}>{status}</dd>
        {r.lastRenewal ? (
          <>
            <dt>{tr("renewals.panel.lastRenewal")}</dt>
            <dd>{tr("renewals.panel.renewedUntil", { from: format.date(r.lastRenewal.startsOn), until: format.date(r.lastRenewal.endsOn) })}</dd>
          </>
        ) : null}
        {r.status === "renews" ? (
          <>
            <dt>{tr("renewals.panel.deadline")}</dt>
            <dd>
              {format.date(r.deadlineOn)}
              {r.deadlinePassed ? <span className="muted"> · {tr("renewals.panel.deadlinePassed")}</span> : null}
            </dd>
          </>
        ) : null}
        {r.noticeGiven ? (
          <>
            <dt>{tr("renewals.panel.noticeGivenBy")}</dt>
            <dd>{tr("renewals.panel.noticeGivenOn", { by: r.noticeGiven.by, date: format.date(r.noticeGiven.givenOn) })}</dd>
          </>
        ) : null}
      </dl>

      {r.status === "renews" ? (
        r.prices.length ? (
          <>
            <h3>{tr("renewals.panel.newPrices", { date: format.date(r.renewsOn) })}</h3>
            <table className="table table--compact">
              <thead>
                <tr>
                  <th>{tr("renewals.col.item")}</th>
                  <th className="num">{tr("renewals.col.current")}</th>
                  <th className="num">{tr("renewals.col.next")}</th>
                </tr>
              </thead>
              <tbody>
                {r.prices.map((p) => (
                  <tr key={p.kind}>
                    <td>{locale === "en" ? p.nameEn : p.nameFr}</td>
                    <td className="num nowrap">{format.money(p.currentMinor, r.currency)}</td>
                    <td className="num nowrap">{format.money(p.nextMinor, r.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <p className="hint">{tr("renewals.panel.samePrices")}</p>
        )
      ) : null}

      {answer && !answer.ok ? <Alert>{tr(answer.formError)}</Alert> : null}
      {answer && answer.ok ? <Alert kind="success">{tr("renewals.panel.noticeRecorded", { date: format.date(answer.endOn) })}</Alert> : null}

      {r.canGiveNotice ? (
        <fetcher.Form
          method="post"
          action={`/app/services/${r.contractId}/renewal`}
          onSubmit={(e) => {
            if (!confirm(tr("renewals.panel.confirm", { date: format.date(r.commitmentEndsOn) }))) e.preventDefault();
          }}
        >
          <input type="hidden" name="commitmentEndsOn" value={r.commitmentEndsOn} />
          <p className="hint">{tr("renewals.panel.noticeHint", { deadline: format.date(r.deadlineOn), date: format.date(r.commitmentEndsOn) })}</p>
          <button className="btn btn--danger-ghost btn--block" disabled={busy}>
            {tr("renewals.panel.giveNotice")}
          </button>
        </fetcher.Form>
      ) : r.status === "renews" && r.deadlinePassed ? (
        <p className="hint">{tr("renewals.panel.tooLate", { date: format.date(r.renewsOn) })}</p>
      ) : null}
    </section>
  );
}
