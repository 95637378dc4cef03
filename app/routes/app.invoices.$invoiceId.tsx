import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { tenantInvoiceView } from "~/modules/billing/tenant-invoices.server";
import { cardPaymentOffered } from "~/modules/payments/stripe.server";
import { getDb } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { PayByCard } from "~/components/pay-by-card";
import { StatusBadge } from "~/components/shell";
import { useFormat, useLocale, useT } from "~/components/i18n";

/**
 * GET /app/invoices/:invoiceId — one of the organisation's issued invoices: lines in the reader's
 * language, totals (in CDF too at the rate frozen at issue for a KIN domestic customer), credit
 * notes, balance, how to pay, the PDF with its SHA-256 and the usage annex. Another organisation's
 * invoice, a draft or a malformed id is 404.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "invoices:read");
  const invoice = await tenantInvoiceView(await getDb(), { orgId: user.orgId, invoiceId: params.invoiceId ?? "", locale: user.locale });
  if (!invoice) notFound();
  return json({ invoice, cardPayment: cardPaymentOffered(user.role, invoice) });
}

export default function InvoicePage() {
  const { invoice: inv, cardPayment } = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  const locale = useLocale();
  const money = (minor: number) => format.money(minor, inv.currency);
  const period = new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-US", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${inv.period}-01T00:00:00Z`));
  const rate = format.number(inv.vatRateBp / 10000, { style: "percent", maximumFractionDigits: 2 });
  const owing = inv.status === "issued" && inv.balanceMinor > 0;

  return (
    <>
      <p>
        <Link to="/app/invoices">← {tr("invoices.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("invoices.page.title", { number: inv.number })}</h1>
          <p className="muted">
            <strong>{inv.siteCode}</strong> · {inv.siteName} · {period}
          </p>
        </div>
        <div className="stack-h">
          <StatusBadge status={`invoice-${inv.displayStatus}`} label={tr(`invoices.status.${inv.displayStatus}`)} />
          <a className="btn" href={inv.pdfHref} download>
            {tr("invoices.page.downloadPdf")}
          </a>
        </div>
      </div>

      <div className="req-detail">
        <div>
          <section className="card">
            <h2>{tr("invoices.page.lines")}</h2>
            <table className="table">
              <thead>
                <tr>
                  <th>{tr("invoices.line.description")}</th>
                  <th className="num hide-sm">{tr("invoices.line.quantity")}</th>
                  <th className="num hide-sm">{tr("invoices.line.unitPrice")}</th>
                  <th className="num">{tr("invoices.line.amount")}</th>
                </tr>
              </thead>
              <tbody>
                {inv.lines.map((l) => (
                  <tr key={l.id}>
                    <td>{l.description}</td>
                    <td className="num hide-sm nowrap">{l.quantity}</td>
                    <td className="num hide-sm nowrap">{money(l.unitPriceMinor)}</td>
                    <td className="num nowrap">{money(l.amountMinor)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <td className="hide-sm" colSpan={2} />
                  <th className="num">
                    {tr("invoices.page.subtotal")}
                  </th>
                  <td className="num nowrap">{money(inv.subtotalMinor)}</td>
                </tr>
                <tr>
                  <td className="hide-sm" colSpan={2} />
                  <th className="num">
                    {inv.isVatExempt ? tr("invoices.page.vatExempt") : tr("invoices.page.vat", { rate })}
                  </th>
                  <td className="num nowrap">{money(inv.vatMinor)}</td>
                </tr>
                <tr>
                  <td className="hide-sm" colSpan={2} />
                  <th className="num">
                    {tr("invoices.page.total")}
                  </th>
                  <td className="num nowrap">
                    <strong>{money(inv.totalMinor)}</strong>
                  </td>
                </tr>
                {inv.creditedMinor > 0 ? (
                  <tr>
                    <td className="hide-sm" colSpan={2} />
                  <th className="num">
                      {tr("invoices.page.credited")}
                    </th>
                    <td className="num nowrap">−{money(inv.creditedMinor)}</td>
                  </tr>
                ) : null}
                {inv.paidMinor !== 0 ? (
                  <tr>
                    <td className="hide-sm" colSpan={2} />
                    <th className="num">{tr("invoices.page.paid")}</th>
                    <td className="num nowrap">−{money(inv.paidMinor)}</td>
                  </tr>
                ) : null}
                <tr>
                  <td className="hide-sm" colSpan={2} />
                  <th className="num">
                    {tr("invoices.page.balance")}
                  </th>
                  <td className="num nowrap">
                    <strong>{money(inv.balanceMinor)}</strong>
                  </td>
                </tr>
              </tfoot>
            </table>
            {inv.isVatExempt && inv.exemptionReference ? <p className="muted small">{tr("invoices.page.exemption", { ref: inv.exemptionReference })}</p> : null}
            {inv.fx ? (
              <>
                <p className="muted small">{tr("invoices.page.cdf", { rate: inv.fx.rate, date: format.date(inv.fx.rateOn) })}</p>
                <dl className="facts">
                  <dt>{tr("invoices.page.cdfSubtotal")}</dt>
                  <dd className="nowrap">{format.money(inv.fx.subtotalMinor, inv.fx.currency)}</dd>
                  <dt>{tr("invoices.page.cdfVat")}</dt>
                  <dd className="nowrap">{format.money(inv.fx.vatMinor, inv.fx.currency)}</dd>
                  <dt>{tr("invoices.page.cdfTotal")}</dt>
                  <dd className="nowrap">
                    <strong>{format.money(inv.fx.totalMinor, inv.fx.currency)}</strong>
                  </dd>
                  <dt>{tr("invoices.page.cdfBalance")}</dt>
                  <dd className="nowrap">{format.money(inv.fx.balanceMinor, inv.fx.currency)}</dd>
                </dl>
              </>
            ) : null}
          </section>

          {inv.payments.length ? (
            <section className="card">
              <h2>{tr("invoices.page.payments")}</h2>
              <table className="table">
                <thead>
                  <tr>
                    <th>{tr("payments.field.receivedOn")}</th>
                    <th>{tr("payments.field.method")}</th>
                    <th className="hide-sm">{tr("payments.field.reference")}</th>
                    <th className="num">{tr("payments.field.amount")}</th>
                  </tr>
                </thead>
                <tbody>
                  {inv.payments.map((p) => (
                    <tr key={p.id}>
                      <td className="nowrap">{format.date(p.receivedOn)}</td>
                      <td>
                        {tr(`payments.method.${p.method}`)}
                        {p.reversedOn ? ` — ${tr("invoices.page.paymentReversed", { on: format.date(p.reversedOn) })}` : ""}
                      </td>
                      <td className="hide-sm mono">{p.reference}</td>
                      <td className="num nowrap">{money(p.amountMinor)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : null}

          <section className="card">
            <h2>{tr("invoices.page.creditNotes")}</h2>
            {inv.creditNotes.length === 0 ? (
              <p className="muted">{tr("invoices.page.noCreditNotes")}</p>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th>{tr("invoices.cn.number")}</th>
                    <th className="hide-sm">{tr("invoices.cn.date")}</th>
                    <th>{tr("invoices.cn.reason")}</th>
                    <th className="num">{tr("invoices.cn.amount")}</th>
                    <th className="actions">{tr("invoices.cn.pdf")}</th>
                  </tr>
                </thead>
                <tbody>
                  {inv.creditNotes.map((c) => (
                    <tr key={c.id}>
                      <td className="mono nowrap">{c.number}</td>
                      <td className="hide-sm nowrap">{format.date(c.issuedOn)}</td>
                      <td className="pre-line">{c.reason}</td>
                      <td className="num nowrap">{money(c.totalMinor)}</td>
                      <td className="actions">
                        <a href={`/app/credit-notes/${c.id}/pdf`} download>
                          PDF
                        </a>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>

        <aside>
          <section className="card">
            <dl className="facts">
              <dt>{tr("invoices.page.issuedOn")}</dt>
              <dd>{format.date(inv.issuedOn)}</dd>
              <dt>{tr("invoices.page.dueOn")}</dt>
              <dd>
                <strong>{format.date(inv.dueOn)}</strong>
              </dd>
              <dt>{tr("invoices.page.period")}</dt>
              <dd>{period}</dd>
              <dt>{tr("invoices.page.site")}</dt>
              <dd>
                {inv.siteCode} · {inv.siteName}
              </dd>
            </dl>
          </section>

          <section className="card">
            <h2>{tr("invoices.page.payment")}</h2>
            {owing ? (
              <>
                <dl className="facts">
                  <dt>{tr("invoices.page.balance")}</dt>
                  <dd>
                    <strong>{money(inv.balanceMinor)}</strong>
                  </dd>
                  <dt>{tr("invoices.page.paymentReference")}</dt>
                  <dd>
                    <code>{inv.paymentReference}</code>
                  </dd>
                </dl>
                <p className="muted small">{tr("invoices.page.paymentReferenceHint")}</p>
                {cardPayment ? <PayByCard invoiceId={inv.id} /> : null}
                {inv.issuer && inv.issuer.bankName && inv.issuer.bankAccount ? (
                  <>
                    <h3>{tr("invoices.page.bank")}</h3>
                    <dl className="facts">
                      <dt>{tr("invoices.page.bankHolder")}</dt>
                      <dd>{inv.issuer.legalName}</dd>
                      <dt>{tr("invoices.page.bankName")}</dt>
                      <dd>{inv.issuer.bankName}</dd>
                      <dt>{tr("invoices.page.bankAccount")}</dt>
                      <dd>
                        <code>{inv.issuer.bankAccount}</code>
                      </dd>
                      {inv.issuer.swift ? (
                        <>
                          <dt>{tr("invoices.page.swift")}</dt>
                          <dd>
                            <code>{inv.issuer.swift}</code>
                          </dd>
                        </>
                      ) : null}
                    </dl>
                  </>
                ) : null}
                {inv.issuer && inv.issuer.mobileMoney.length ? (
                  <>
                    <h3>{tr("invoices.page.mobileMoney")}</h3>
                    <ul className="plain-list">
                      {inv.issuer.mobileMoney.map((m) => (
                        <li key={m}>{m}</li>
                      ))}
                    </ul>
                  </>
                ) : null}
              </>
            ) : (
              <p className="muted">{tr("invoices.page.nothingDue")}</p>
            )}
          </section>

          <section className="card">
            <h2>{tr("invoices.page.document")}</h2>
            <p className="stack-h">
              <a href={inv.pdfHref} download>
                {tr("invoices.page.downloadPdf")}
              </a>
              <a href={inv.annexHref} download title={tr("invoices.page.annexHint")}>
                {tr("invoices.page.annex")}
              </a>
            </p>
            {inv.pdfSha256 ? (
              <>
                <p className="small muted">{tr("invoices.page.sha256")}</p>
                <p>
                  <code className="hash">{inv.pdfSha256}</code>
                </p>
                <p className="small muted">{tr("invoices.page.sha256Hint")}</p>
              </>
            ) : (
              <p className="small muted">{tr("invoices.page.notStored")}</p>
            )}
          </section>
        </aside>
      </div>
    </>
  );
}
