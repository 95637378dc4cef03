import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { CreditError, creditableLines, createCreditNote, type CreditErrorCode } from "~/modules/billing/credit-notes.server";
import { displayStatus, getInvoice } from "~/modules/billing/invoices.server";
import { IssueError, issueInvoice, type IssueErrorCode } from "~/modules/billing/issue.server";
import { billingRunKey } from "~/modules/billing/run.server";
import { deleteDraft, jobView, majorToMinor, startBillingRun } from "~/modules/billing/overview.server";
import { latestJob } from "~/modules/jobs/jobs.server";
import { controlCharacterErrors, formDataObject, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { isUuid } from "~/utils/ids";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransaction, inTransactionOrRollback } from "~/utils/db.server";
import { dayIn } from "~/utils/dates";
import { currencyDecimals, type MessageKey } from "~/i18n/format";
import { Alert, FormErrors } from "~/components/forms";
import { BillingJobStatus, jobActive, usePollWhile, type BillingJob } from "~/components/billing-job";
import { InvoiceFlags } from "~/components/billing-invoice";
import { useFormat, useLocale, useT } from "~/components/i18n";

/**
 * /ops/billing/invoices/:invoiceId — one invoice for finance.
 *
 * A draft: its lines and flags; Recompute (the billing run of its site and month is started again:
 * a run is per site and month, one transaction per organisation, so the other drafts of that month
 * are recomputed with it and issued invoices stay untouched; the page follows its progress); Delete
 * (drafts only: the module checks it and the database refuses anything else); Issue.
 * An issued invoice: its PDF, usage annex, SHA-256, payment reference, credit notes, and the form
 * of a new credit note (everything left, or per line an amount in major units up to what remains).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request, "billing:manage");
  const db = await getDb();
  const inv = await getInvoice(db, params.invoiceId ?? "");
  if (!inv) notFound();
  const creditable = inv.status === "issued" || inv.status === "paid" ? await creditableLines(db, inv.id) : [];
  const run = inv.status === "draft" ? jobView(await latestJob(db, billingRunKey(inv.site_code, inv.period))) : null;
  const today = dayIn(inv.time_zone);
  return json({
    invoice: {
      id: inv.id,
      number: inv.number,
      status: inv.status,
      shownStatus: displayStatus({ status: inv.status, balanceMinor: inv.balanceMinor, creditedMinor: inv.creditedMinor, dueOn: inv.due_on }, today),
      orgId: inv.org_id,
      orgName: inv.org_name,
      siteCode: inv.site_code,
      siteName: inv.site_name,
      period: inv.period,
      currency: inv.currency,
      subtotalMinor: inv.subtotal_minor,
      vatRateBp: inv.vat_rate_bp,
      vatMinor: inv.vat_minor,
      totalMinor: inv.total_minor,
      creditedMinor: inv.creditedMinor,
      balanceMinor: inv.balanceMinor,
      isVatExempt: inv.is_vat_exempt,
      exemptionReference: inv.vat_exemption_reference,
      billingLanguage: inv.billing_language,
      flags: inv.flags ?? [],
      issuedOn: inv.issued_on,
      dueOn: inv.due_on,
      paymentReference: inv.payment_reference,
      fx: inv.fx_currency ? { currency: inv.fx_currency, rate: inv.fx_rate, on: inv.fx_rate_on } : null,
      hasPdf: Boolean(inv.document_id),
      sha256: inv.pdf_sha256,
    },
    lines: inv.lines.map((l) => ({
      id: l.id,
      kind: l.kind,
      descriptionFr: l.description_fr,
      descriptionEn: l.description_en,
      quantity: l.quantity,
      unitPriceMinor: l.unit_price_minor,
      amountMinor: l.amount_minor,
      details: (l.details ?? {}) as Record<string, unknown>,
    })),
    creditNotes: inv.creditNotes.map((c) => ({ id: c.id, number: c.number, totalMinor: c.total_minor, vatMinor: c.vat_minor, reason: c.reason, issuedOn: c.issued_on, hasPdf: Boolean(c.document_id) })),
    creditable: creditable.map((l) => ({ id: l.id, creditableMinor: l.creditableMinor, creditedMinor: l.creditedMinor })),
    run,
    monthOver: today > lastDay(inv.period),
  });
}

const lastDay = (period: string) => {
  const [y, m] = period.split("-").map(Number);
  return `${period}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, "0")}`;
};

type ActionData = { intent: string; formError?: MessageKey; errors?: FieldErrors; values?: Record<string, string>; creditNote?: string };

const ISSUE_STATUS: Record<IssueErrorCode, number> = { not_found: 404, not_draft: 409, empty: 409, no_issuer: 409, period_open: 409, no_rate: 409 };
const CREDIT_STATUS: Record<CreditErrorCode, number> = { not_found: 404, not_issued: 409, nothing_left: 409, bad_reason: 400, no_lines: 400, bad_amount: 400, exceeds_line: 400 };

/** At most this many per-line amounts in one credit note form (an invoice has far fewer lines). */
const MAX_CREDIT_FIELDS = 500;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "billing:manage");
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const invoiceId = params.invoiceId ?? "";
  if (!isUuid(invoiceId)) notFound();
  const formData = await readForm(request);
  const values = formDataObject(formData);
  const intent = values.intent ?? "";
  const controls = controlCharacterErrors(values);
  if (Object.keys(controls).length) return json<ActionData>({ intent, errors: controls, formError: "errors.invalidCharacters" }, { status: 400 });
  const db = await getDb();
  const self = `/ops/billing/invoices/${invoiceId}`;

  if (intent === "recompute") {
    const inv = await getInvoice(db, invoiceId);
    if (!inv) notFound();
    if (inv.status !== "draft") return json<ActionData>({ intent, formError: "billingOps.draft.notDraft" }, { status: 409 });
    await inTransaction((trx) => startBillingRun(trx, { siteId: inv.site_id, siteCode: inv.site_code, period: inv.period, actor, reason: { invoiceId: inv.id, orgId: inv.org_id } }));
    return redirect(self);
  }

  if (intent === "delete") {
    const result = await inTransactionOrRollback((trx) => deleteDraft(trx, { invoiceId, actor }));
    if (!result.ok) {
      if (result.error === "not_found") notFound();
      return json<ActionData>({ intent, formError: "billingOps.draft.notDraft" }, { status: 409 });
    }
    return redirect(`/ops/billing/invoices?site=${result.siteCode}&period=${result.period}&status=draft`);
  }

  if (intent === "issue") {
    try {
      await issueInvoice(db, { invoiceId, actor });
    } catch (error) {
      if (!(error instanceof IssueError)) throw error;
      if (error.code === "not_found") notFound();
      return json<ActionData>({ intent, formError: `billingOps.issueError.${error.code}` }, { status: ISSUE_STATUS[error.code] });
    }
    return redirect(self);
  }

  if (intent === "credit") {
    const inv = await getInvoice(db, invoiceId);
    if (!inv) notFound();
    const reason = (values.reason ?? "").trim();
    const shown: Record<string, string> = { reason: reason.slice(0, 1000), mode: values.mode === "lines" ? "lines" : "full" };
    const errors: FieldErrors = {};
    if (!reason) errors.reason = "error.required";
    else if (reason.length < 2) errors.reason = "billingOps.creditError.bad_reason";
    else if (reason.length > 1000) errors.reason = "error.tooLong";
    if (values.mode !== "full" && values.mode !== "lines") return json<ActionData>({ intent, formError: "error.invalid", values: shown }, { status: 400 });
    // Amounts typed while "everything" is chosen: the operator meant one of the two, never both.
    if (values.mode === "full" && Object.entries(values).some(([k, v]) => k.startsWith("amount.") && v.trim() !== "")) {
      return json<ActionData>({ intent, formError: "billingOps.credit.modeConflict", values: shown }, { status: 400 });
    }

    let lines: "full" | { invoiceLineId: string; amountMinor: number }[] = "full";
    if (values.mode === "lines") {
      const available = new Map((await creditableLines(db, inv.id)).map((l) => [l.id, l]));
      const decimals = currencyDecimals(inv.currency);
      const amountKeys = Object.keys(values).filter((k) => k.startsWith("amount."));
      if (amountKeys.length > MAX_CREDIT_FIELDS) return json<ActionData>({ intent, formError: "billingOps.creditError.no_lines", values: shown }, { status: 400 });
      lines = [];
      for (const key of amountKeys) {
        const lineId = key.slice("amount.".length);
        const raw = values[key].trim();
        shown[key] = raw.slice(0, 40);
        if (!raw) continue;
        const line = available.get(lineId);
        if (!line) return json<ActionData>({ intent, formError: "billingOps.creditError.no_lines", values: shown }, { status: 400 });
        const minor = majorToMinor(raw, decimals);
        if (minor === null) {
          errors[key] = decimals ? "billingOps.credit.amountFormat" : "billingOps.credit.amountFormatWhole";
          continue;
        }
        if (minor === 0) continue;
        if (minor > line.creditableMinor) {
          errors[key] = "billingOps.creditError.exceeds_line";
          continue;
        }
        lines.push({ invoiceLineId: lineId, amountMinor: minor });
      }
      if (!Object.keys(errors).length && !lines.length) return json<ActionData>({ intent, formError: "billingOps.creditError.no_lines", values: shown }, { status: 400 });
    }
    if (Object.keys(errors).length) return json<ActionData>({ intent, errors, values: shown }, { status: 400 });
    try {
      const note = await createCreditNote(db, { invoiceId: inv.id, actor, reason, lines });
      return json<ActionData>({ intent, creditNote: note.number });
    } catch (error) {
      if (!(error instanceof CreditError)) throw error;
      if (error.code === "not_found") notFound();
      return json<ActionData>({ intent, formError: `billingOps.creditError.${error.code}`, values: shown }, { status: CREDIT_STATUS[error.code] });
    }
  }

  return json<ActionData>({ intent, formError: "error.invalid" }, { status: 400 });
}

export default function OpsInvoice() {
  const { invoice: inv, lines, creditNotes, creditable, run, monthOver } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const locale = useLocale();
  const busy = navigation.state === "submitting";
  const runJob = run as BillingJob | null;
  usePollWhile(jobActive(runJob));
  const money = (minor: number) => format.money(minor, inv.currency);
  const decimals = (value: string, max = 6) => format.number(Number(value), { maximumFractionDigits: max });
  const creditableById = new Map(creditable.map((c) => [c.id, c]));
  const leftMinor = creditable.reduce((s, c) => s + c.creditableMinor, 0);
  const credit = actionData?.intent === "credit" ? actionData : undefined;
  const other = actionData && actionData.intent !== "credit" ? actionData : undefined;
  const primary = (l: { descriptionFr: string; descriptionEn: string }) => (inv.billingLanguage === "en" ? l.descriptionEn : l.descriptionFr);
  const secondary = (l: { descriptionFr: string; descriptionEn: string }) => (inv.billingLanguage === "en" ? l.descriptionFr : l.descriptionEn);
  const currencyHint = tr(currencyDecimals(inv.currency) ? "billingOps.credit.amountHint" : "billingOps.credit.amountHintWhole", { currency: inv.currency });

  function details(line: (typeof lines)[number]): string | null {
    const d = line.details;
    if (line.kind === "recurring" && typeof d.active_days === "number") return tr("billingOps.detail.recurring", { active: d.active_days, days: Number(d.days_in_month) });
    if (line.kind === "energy" && typeof d.kwh === "string") return tr("billingOps.detail.energy", { kwh: decimals(d.kwh, 3), meters: Number(d.meters ?? 0) });
    if (line.kind === "bandwidth_overage" && d.p95_mbps != null)
      return tr("billingOps.detail.overage", { p95: decimals(String(d.p95_mbps), 3), commit: format.number(Number(d.commit_mbps)), samples: Number(d.samples) });
    if (line.kind === "early_termination" && typeof d.start_on === "string")
      return tr("billingOps.detail.earlyTermination", { start: format.date(d.start_on), end: typeof d.end_on === "string" ? format.date(d.end_on) : "—", term: Number(d.term_months) });
    return null;
  }

  return (
    <>
      <p>
        <Link to={`/ops/billing/invoices?site=${inv.siteCode}&period=${inv.period}`}>← {tr("billingOps.detail.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h2>
            {inv.number ?? tr("billingOps.detail.draftTitle")} — {inv.orgName}
          </h2>
          <p className="muted">
            <span className="badge badge--site">{inv.siteCode}</span> {inv.siteName} · {tr("billingOps.detail.periodOf", { period: inv.period })} ·{" "}
            <span className={`badge badge--${inv.shownStatus === "overdue" ? "failed" : inv.shownStatus === "draft" ? "pending" : inv.shownStatus === "void" ? "cancelled" : "upcoming"}`}>
              {tr(`billingOps.status.${inv.shownStatus}`)}
            </span>
          </p>
        </div>
      </div>
      {other?.formError ? <Alert>{tr(other.formError, { site: inv.siteCode })}</Alert> : null}

      <div className="grid-2 grid-2--top">
        <section className="card" aria-labelledby="figures-title">
          <h3 id="figures-title">{tr("billingOps.detail.figures")}</h3>
          <dl className="facts">
            <dt>{tr("billingOps.col.tenant")}</dt>
            <dd>
              <Link to={`/ops/organisations/${inv.orgId}`}>{inv.orgName}</Link>
            </dd>
            <dt>{tr("billingOps.col.subtotal")}</dt>
            <dd>{money(inv.subtotalMinor)}</dd>
            <dt>{tr("billingOps.col.vat")}</dt>
            <dd>
              {money(inv.vatMinor)}{" "}
              <span className="muted">
                {inv.isVatExempt
                  ? tr("billingOps.detail.exempt", { reference: inv.exemptionReference ?? "—" })
                  : tr("billingOps.detail.vatRate", { rate: format.number(inv.vatRateBp / 100, { maximumFractionDigits: 2 }) })}
              </span>
            </dd>
            <dt>{tr("billingOps.col.total")}</dt>
            <dd>
              <strong>{money(inv.totalMinor)}</strong>
            </dd>
            {inv.status !== "draft" ? (
              <>
                <dt>{tr("billingOps.detail.credited")}</dt>
                <dd>{money(inv.creditedMinor)}</dd>
                <dt>{tr("billingOps.col.balance")}</dt>
                <dd>
                  <strong>{money(inv.balanceMinor)}</strong>
                </dd>
              </>
            ) : null}
            <dt>{tr("billingOps.detail.language")}</dt>
            <dd>{tr(inv.billingLanguage === "en" ? "billingOps.detail.languageEn" : "billingOps.detail.languageFr")}</dd>
            <dt>{tr("billingOps.col.flags")}</dt>
            <dd>
              <InvoiceFlags flags={inv.flags} />
            </dd>
          </dl>
        </section>

        {inv.status === "draft" ? (
          <section className="card" aria-labelledby="draft-title">
            <h3 id="draft-title">{tr("billingOps.draft.title")}</h3>
            <p className="muted">{tr("billingOps.draft.recomputeLead", { site: inv.siteCode, period: inv.period })}</p>
            <div className="stack-h">
              <Form method="post">
                <button type="submit" name="intent" value="recompute" className="btn btn--secondary" disabled={busy || jobActive(runJob)}>
                  {tr("billingOps.draft.recompute")}
                </button>
              </Form>
              <Form method="post">
                <button type="submit" name="intent" value="issue" className="btn" disabled={busy || !monthOver || jobActive(runJob)}>
                  {tr("billingOps.draft.issue")}
                </button>
              </Form>
              <Form
                method="post"
                onSubmit={(event) => {
                  if (!window.confirm(tr("billingOps.draft.deleteConfirm"))) event.preventDefault();
                }}
              >
                <button type="submit" name="intent" value="delete" className="btn btn--danger-ghost" disabled={busy}>
                  {tr("billingOps.draft.delete")}
                </button>
              </Form>
            </div>
            {!monthOver ? <p className="muted">{tr("billingOps.issueError.period_open")}</p> : null}
            {runJob ? <BillingJobStatus job={runJob} kind="run" siteCode={inv.siteCode} invoiceHref={(id) => `/ops/billing/invoices/${id}`} /> : null}
          </section>
        ) : (
          <section className="card" aria-labelledby="issued-title">
            <h3 id="issued-title">{tr("billingOps.issued.title")}</h3>
            <dl className="facts">
              <dt>{tr("billingOps.col.number")}</dt>
              <dd>{inv.number}</dd>
              <dt>{tr("billingOps.issued.issuedOn")}</dt>
              <dd>{inv.issuedOn ? format.date(inv.issuedOn) : "—"}</dd>
              <dt>{tr("billingOps.issued.dueOn")}</dt>
              <dd>{inv.dueOn ? format.date(inv.dueOn) : "—"}</dd>
              <dt>{tr("billingOps.issued.paymentReference")}</dt>
              <dd>
                <code>{inv.paymentReference}</code>
              </dd>
              {inv.fx ? (
                <>
                  <dt>{tr("billingOps.issued.fx")}</dt>
                  <dd>{tr("billingOps.issued.fxValue", { rate: decimals(inv.fx.rate ?? "0", 6), currency: inv.fx.currency, on: inv.fx.on ? format.date(inv.fx.on) : "—" })}</dd>
                </>
              ) : null}
              <dt>{tr("billingOps.issued.sha256")}</dt>
              <dd>
                <code className="billing-hash" style={{ overflowWrap: "anywhere" }}>{inv.sha256 ?? tr("billingOps.issued.pending")}</code>
              </dd>
            </dl>
            <p className="stack-h">
              <a className="btn btn--secondary btn--small" href={`/ops/billing/invoices/${inv.id}/pdf`} download>
                {tr("billingOps.issued.pdf")}
              </a>
              <a className="btn btn--secondary btn--small" href={`/ops/billing/invoices/${inv.id}/annex.csv`} download>
                {tr("billingOps.issued.annex")}
              </a>
            </p>
          </section>
        )}
      </div>

      <section className="card" aria-labelledby="lines-title">
        <h3 id="lines-title">{tr("billingOps.lines.title")}</h3>
        {lines.length ? (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{tr("billingOps.lines.description")}</th>
                  <th scope="col" className="num">{tr("billingOps.lines.quantity")}</th>
                  <th scope="col" className="num">{tr("billingOps.lines.unitPrice")}</th>
                  <th scope="col" className="num">{tr("billingOps.lines.amount")}</th>
                  {creditable.length ? <th scope="col" className="num">{tr("billingOps.lines.creditable")}</th> : null}
                </tr>
              </thead>
              <tbody>
                {lines.map((l) => {
                  const more = details(l);
                  const c = creditableById.get(l.id);
                  return (
                    <tr key={l.id}>
                      <td style={{ minWidth: "16rem" }}>
                        <span lang={inv.billingLanguage}>{primary(l)}</span>
                        <div className="muted" lang={inv.billingLanguage === "en" ? "fr" : "en"}>
                          {secondary(l)}
                        </div>
                        {more ? <div className="muted billing-line-details">{more}</div> : null}
                      </td>
                      <td className="num">{decimals(l.quantity)}</td>
                      <td className="num">{money(l.unitPriceMinor)}</td>
                      <td className="num">{money(l.amountMinor)}</td>
                      {creditable.length ? <td className="num">{c ? money(c.creditableMinor) : "—"}</td> : null}
                    </tr>
                  );
                })}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={3} className="num">{tr("billingOps.col.subtotal")}</th>
                  <td className="num">{money(inv.subtotalMinor)}</td>
                  {creditable.length ? <td /> : null}
                </tr>
                <tr>
                  <th scope="row" colSpan={3} className="num">{tr("billingOps.col.vat")}</th>
                  <td className="num">{money(inv.vatMinor)}</td>
                  {creditable.length ? <td /> : null}
                </tr>
                <tr>
                  <th scope="row" colSpan={3} className="num">{tr("billingOps.col.total")}</th>
                  <td className="num">
                    <strong>{money(inv.totalMinor)}</strong>
                  </td>
                  {creditable.length ? <td /> : null}
                </tr>
              </tfoot>
            </table>
          </div>
        ) : (
          <p className="muted">{tr("billingOps.lines.none")}</p>
        )}
      </section>

      {inv.status !== "draft" ? (
        <section className="card" aria-labelledby="cn-title">
          <h3 id="cn-title">{tr("billingOps.creditNotes.title")}</h3>
          {creditNotes.length ? (
            <div className="table-scroll">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{tr("billingOps.col.number")}</th>
                    <th scope="col">{tr("billingOps.col.date")}</th>
                    <th scope="col">{tr("billingOps.col.reason")}</th>
                    <th scope="col" className="num">{tr("billingOps.col.total")}</th>
                    <th scope="col">{tr("billingOps.col.pdf")}</th>
                  </tr>
                </thead>
                <tbody>
                  {creditNotes.map((c) => (
                    <tr key={c.id}>
                      <td>{c.number}</td>
                      <td>{format.date(c.issuedOn)}</td>
                      <td>{c.reason}</td>
                      <td className="num">{money(c.totalMinor)}</td>
                      <td>
                        <a href={`/ops/billing/credit-notes/${c.id}/pdf`} download>
                          {tr("billingOps.col.pdf")}
                        </a>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">{tr("billingOps.creditNotes.none")}</p>
          )}

          {credit?.creditNote ? <Alert kind="success">{tr("billingOps.credit.done", { number: credit.creditNote })}</Alert> : null}
          {leftMinor > 0 ? (
            <Form method="post" noValidate className="billing-credit-form" key={creditNotes.length}>
              <h4>{tr("billingOps.credit.title")}</h4>
              <FormErrors formError={credit?.formError} errors={credit?.errors} />
              <input type="hidden" name="intent" value="credit" />
              <fieldset>
                <legend>{tr("billingOps.credit.mode")}</legend>
                <label className="check">
                  <input type="radio" name="mode" value="full" defaultChecked={credit?.values?.mode !== "lines"} /> {tr("billingOps.credit.full", { amount: money(leftMinor) })}
                </label>
                <label className="check">
                  <input type="radio" name="mode" value="lines" defaultChecked={credit?.values?.mode === "lines"} /> {tr("billingOps.credit.lines")}
                </label>
              </fieldset>
              <p className="muted">{currencyHint}</p>
              <div className="table-scroll">
                <table className="table table--compact">
                  <thead>
                    <tr>
                      <th scope="col">{tr("billingOps.lines.description")}</th>
                      <th scope="col" className="num">{tr("billingOps.lines.creditable")}</th>
                      <th scope="col">{tr("billingOps.credit.amount", { currency: inv.currency })}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {lines
                      .filter((l) => (creditableById.get(l.id)?.creditableMinor ?? 0) > 0)
                      .map((l) => {
                        const name = `amount.${l.id}`;
                        const error = credit?.errors?.[name];
                        return (
                          <tr key={l.id}>
                            <td style={{ minWidth: "14rem" }}>
                              <label htmlFor={`f-${l.id}`}>{locale === "en" ? l.descriptionEn : l.descriptionFr}</label>
                            </td>
                            <td className="num">{money(creditableById.get(l.id)!.creditableMinor)}</td>
                            <td>
                              <input
                                style={{ minWidth: "8rem" }}
                                onInput={(event) => {
                                  // Typing an amount means "per line".
                                  const perLine = event.currentTarget.form?.querySelector<HTMLInputElement>('input[name="mode"][value="lines"]');
                                  if (perLine && event.currentTarget.value.trim()) perLine.checked = true;
                                }}
                                id={`f-${l.id}`}
                                name={name}
                                inputMode="decimal"
                                autoComplete="off"
                                defaultValue={credit?.values?.[name] ?? ""}
                                aria-invalid={error ? true : undefined}
                                aria-describedby={error ? `f-${l.id}-error` : undefined}
                              />
                              {error ? (
                                <p className="field-error" id={`f-${l.id}-error`} role="alert">
                                  {tr(error)}
                                </p>
                              ) : null}
                            </td>
                          </tr>
                        );
                      })}
                  </tbody>
                </table>
              </div>
              <div className={`field${credit?.errors?.reason ? " field--error" : ""}`}>
                <label htmlFor="f-reason">{tr("billingOps.credit.reason")}</label>
                <textarea
                  id="f-reason"
                  name="reason"
                  rows={3}
                  maxLength={1000}
                  required
                  defaultValue={credit?.values?.reason ?? ""}
                  aria-invalid={credit?.errors?.reason ? true : undefined}
                  aria-describedby={credit?.errors?.reason ? "f-reason-error" : undefined}
                />
                {credit?.errors?.reason ? (
                  <p className="field-error" id="f-reason-error" role="alert">
                    {tr(credit.errors.reason)}
                  </p>
                ) : null}
              </div>
              <button type="submit" className="btn" disabled={busy}>
                {tr("billingOps.credit.submit")}
              </button>
            </Form>
          ) : (
            <p className="muted">{tr("billingOps.credit.nothingLeft")}</p>
          )}
        </section>
      ) : null}
    </>
  );
}
