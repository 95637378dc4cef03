import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { lateUsageView } from "~/modules/billing/late-usage.server";
import { formatDecimal } from "~/modules/billing/compute";
import { getDb } from "~/utils/db.server";
import { useFormat, useLocale, useT } from "~/components/i18n";
import type { FieldErrors } from "~/utils/forms";

/**
 * GET /ops/billing/late-usage?site=CODE&period=YYYY-MM — issued invoices whose energy or 95th
 * percentile differ from what the readings give now (samples that arrived after issue), with the
 * amount to bill or credit. An unknown site or a malformed month is named beside its field (400).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "billing:manage");
  const view = await lateUsageView(await getDb(), new URL(request.url).searchParams);
  return json(view, { status: Object.keys(view.errors).length ? 400 : 200 });
}

export default function LateUsage() {
  const view = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  const locale = useLocale();
  const errors: FieldErrors = view.errors;
  const dec = (value: string) => formatDecimal(value, locale);
  const signed = (minor: number, currency: string) => `${minor > 0 ? "+" : ""}${format.money(minor, currency)}`;
  const meaning = (minor: number) => tr(minor > 0 ? "billingAnnex.late.toBill" : minor < 0 ? "billingAnnex.late.toCredit" : "billingAnnex.late.noAmount");
  const p95Text = (p95: string | null, over: string, commit: number, billedWithoutLine: boolean) =>
    billedWithoutLine
      ? tr("billingAnnex.late.p95WithinCommit", { commit: dec(String(commit)) })
      : p95 === null
        ? tr("billingAnnex.late.p95None")
        : tr("billingAnnex.late.p95", { p95: dec(p95), over: dec(over) });

  return (
    <>
      <div className="page-head">
        <div>
          <h2>{tr("billingAnnex.late.title")}</h2>
          <p className="muted">{tr("billingAnnex.late.intro")}</p>
        </div>
      </div>
      <section className="card">
        <Form method="get" className="usage-toolbar">
          <div className={`field${errors.site ? " field--error" : ""}`}>
            <label htmlFor="lu-site">{tr("billingAnnex.late.filter.site")}</label>
            <select id="lu-site" name="site" defaultValue={view.values.site} aria-invalid={errors.site ? true : undefined} aria-describedby={errors.site ? "lu-site-error" : undefined}>
              <option value="">{tr("billingAnnex.late.filter.allSites")}</option>
              {view.sites.map((s) => (
                <option key={s.code} value={s.code}>
                  {s.code} — {s.name}
                </option>
              ))}
            </select>
            {errors.site ? (
              <p className="field-error" id="lu-site-error">
                {tr(errors.site)}
              </p>
            ) : null}
          </div>
          <div className={`field${errors.period ? " field--error" : ""}`}>
            <label htmlFor="lu-period">{tr("billingAnnex.late.filter.period")}</label>
            <select id="lu-period" name="period" defaultValue={view.values.period} aria-invalid={errors.period ? true : undefined} aria-describedby={errors.period ? "lu-period-error" : undefined}>
              {view.periods.length === 0 ? <option value="">{tr("billingAnnex.late.filter.noPeriod")}</option> : null}
              {view.periods.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
            {errors.period ? (
              <p className="field-error" id="lu-period-error">
                {tr(errors.period)}
              </p>
            ) : null}
          </div>
          <button className="btn" type="submit">
            {tr("billingAnnex.late.filter.apply")}
          </button>
        </Form>
      </section>

      {view.periods.length === 0 ? (
        <section className="card">
          <p className="muted">{tr("billingAnnex.late.noInvoices")}</p>
        </section>
      ) : view.invoices.length === 0 ? (
        <section className="card">
          <p className="muted">{tr("billingAnnex.late.empty")}</p>
        </section>
      ) : (
        <>
          <p className="muted">{tr("billingAnnex.late.count", { count: view.invoices.length })}</p>
          {view.invoices.map((inv) => (
            <section className="card" key={inv.invoiceId} aria-labelledby={`lu-${inv.invoiceId}`}>
              <div className="page-head">
                <div>
                  <h3 id={`lu-${inv.invoiceId}`} className="mono">
                    {tr("billingAnnex.late.invoice", { number: inv.number })}
                  </h3>
                  <p className="muted">
                    {inv.orgName} · {inv.siteCode} · {inv.period}
                    {inv.issuedOn ? ` · ${tr("billingAnnex.late.issuedOn", { date: format.date(inv.issuedOn) })}` : null}
                    {inv.status === "paid" ? ` · ${tr("billingAnnex.late.status.paid")}` : null}
                  </p>
                  {/* The total again above the table: on a phone the table scrolls sideways. */}
                  <p>
                    <strong>{tr("billingAnnex.late.totalLine", { amount: signed(inv.differenceMinor, inv.currency) })}</strong> <span className="muted">({meaning(inv.differenceMinor)})</span>
                  </p>
                </div>
                <a className="btn btn--secondary" href={`/ops/billing/invoices/${inv.invoiceId}/annex.csv?live=1`} download>
                  {tr("billingAnnex.late.annexNow")}
                </a>
              </div>
              <div className="table-scroll">
                <table className="table">
                  <thead>
                    <tr>
                      <th>{tr("billingAnnex.late.col.contract")}</th>
                      <th>{tr("billingAnnex.late.col.measure")}</th>
                      <th>{tr("billingAnnex.late.col.billed")}</th>
                      <th>{tr("billingAnnex.late.col.current")}</th>
                      <th className="num">{tr("billingAnnex.late.col.unitPrice")}</th>
                      <th className="num">{tr("billingAnnex.late.col.difference")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {inv.contracts.flatMap((c) => [
                      c.energy ? (
                        <tr key={`${c.contractId}-energy`}>
                          <td className="mono">{c.ref}</td>
                          <td>{tr("billingAnnex.late.measure.energy")}</td>
                          <td className="nowrap">{tr("billingAnnex.late.kwh", { value: dec(c.energy.billedKwh) })}</td>
                          <td className="nowrap">{tr("billingAnnex.late.kwh", { value: dec(c.energy.currentKwh) })}</td>
                          <td className="num nowrap">{tr("billingAnnex.late.perKwh", { price: format.money(c.energy.unitPriceMinor, inv.currency) })}</td>
                          <td className="num nowrap">{signed(c.energy.differenceMinor, inv.currency)}</td>
                        </tr>
                      ) : null,
                      c.bandwidth ? (
                        <tr key={`${c.contractId}-bandwidth`}>
                          <td className="mono">{c.ref}</td>
                          <td>{tr("billingAnnex.late.measure.bandwidth")}</td>
                          <td>{p95Text(c.bandwidth.billedP95, c.bandwidth.billedOverMbps, c.bandwidth.commitMbps, c.bandwidth.billedP95 === null)}</td>
                          <td>{p95Text(c.bandwidth.currentP95, c.bandwidth.currentOverMbps, c.bandwidth.commitMbps, false)}</td>
                          <td className="num nowrap">{tr("billingAnnex.late.perMbps", { price: format.money(c.bandwidth.unitPriceMinor, inv.currency) })}</td>
                          <td className="num nowrap">{signed(c.bandwidth.differenceMinor, inv.currency)}</td>
                        </tr>
                      ) : null,
                    ])}
                  </tbody>
                  <tfoot>
                    <tr>
                      <th colSpan={5}>
                        {tr("billingAnnex.late.total")} <span className="muted">({meaning(inv.differenceMinor)})</span>
                      </th>
                      <td className="num nowrap">
                        <strong>{signed(inv.differenceMinor, inv.currency)}</strong>
                      </td>
                    </tr>
                  </tfoot>
                </table>
              </div>
            </section>
          ))}
        </>
      )}
    </>
  );
}
