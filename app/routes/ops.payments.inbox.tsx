import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { listSites } from "~/modules/inventory/sites.server";
import { assignLine, confirmLine, importStatement, markNotOurs, splitLine, type LineResult } from "~/modules/payments/reconcile.server";
import {
  AssignForm,
  ConfirmForm,
  ImportForm,
  inboxView,
  lineCurrency,
  lineErrorStatus,
  NotOursForm,
  SplitForm,
  splitParts,
} from "~/modules/payments/statements/inbox.server";
import { SPLIT_ROWS } from "~/modules/payments/statements/constants";
import { STATEMENT_MAX_BYTES, STATEMENT_MAX_LINES, type StatementIssue } from "~/modules/payments/statements/types";
import { parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransaction } from "~/utils/db.server";
import { Alert, FormErrors } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** /ops/payments/inbox — the reconciliation inbox: import a statement, then settle what is left. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "payments:record");
  const db = await getDb();
  const sites = await listSites(db);
  const url = new URL(request.url);
  const wanted = (url.searchParams.get("site") ?? "").toUpperCase();
  const code = sites.find((s) => s.code === wanted)?.code ?? sites[0]?.code;
  const view = code ? await inboxView(db, code) : null;
  const done = url.searchParams.get("done");
  return json({ sites: sites.map((s) => ({ code: s.code, name: s.name })), view, done: done && DONE.includes(done) ? done : null });
}

const DONE = ["confirm", "split", "assign", "not_ours"];

type ActionData = {
  intent: string;
  lineId?: string;
  errors?: FieldErrors;
  formError?: MessageKey;
  issues?: StatementIssue[];
  fileName?: string;
};

/** Room for the other fields and the multipart framing around the largest statement file. */
const ENVELOPE_BYTES = 64 * 1024;

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "payments:record");
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const formData = await readForm(request, { maxBytes: STATEMENT_MAX_BYTES + ENVELOPE_BYTES });
  const intent = String(formData.get("intent") ?? "");
  const reply = (data: Omit<ActionData, "intent">, status: number) => json<ActionData>({ intent, ...data }, { status });

  if (intent === "import") {
    const form = parseForm(ImportForm, formData);
    if (!form.ok) return reply({ errors: form.errors }, 400);
    const file = formData.get("file");
    if (!(file instanceof File) || (file.size === 0 && !file.name)) return reply({ errors: { file: "reconcile.import.chooseFile" } }, 400);
    if (file.size > STATEMENT_MAX_BYTES) return reply({ errors: { file: "reconcile.issue.tooLarge" } }, 400);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const { site, source } = form.data;
    const plain = source === "plain" ? "csv_plain" : source === "plain_mt940" ? "mt940" : source === "plain_camt053" ? "camt053" : undefined;
    const result = await inTransaction((trx) =>
      importStatement(trx, { siteCode: site, sourceId: plain ? null : source, plainFormat: plain, bytes, fileName: file.name || "statement", actor, via: "web" }),
    );
    if (!result.ok) {
      if (result.error === "invalid") return reply({ errors: { file: "reconcile.import.refused" }, issues: result.issues, fileName: file.name }, 400);
      return reply({ errors: result.error === "site_not_found" ? { site: "error.invalidChoice" } : { source: "error.invalidChoice" } }, 400);
    }
    return redirect(`/ops/payments/inbox?site=${site}`);
  }

  if (intent === "confirm" || intent === "split" || intent === "assign" || intent === "not_ours") {
    const lineId = String(formData.get("lineId") ?? "").slice(0, 40);
    let outcome: LineResult;
    if (intent === "confirm") {
      const form = parseForm(ConfirmForm, formData);
      if (!form.ok) return reply({ lineId, errors: form.errors }, 400);
      outcome = await inTransaction((trx) => confirmLine(trx, { ...form.data, actor }));
    } else if (intent === "assign") {
      const form = parseForm(AssignForm, formData);
      if (!form.ok) return reply({ lineId, errors: form.errors }, 400);
      outcome = await inTransaction((trx) => assignLine(trx, { ...form.data, actor }));
    } else if (intent === "not_ours") {
      const form = parseForm(NotOursForm, formData);
      if (!form.ok) return reply({ lineId, errors: form.errors }, 400);
      outcome = await inTransaction((trx) => markNotOurs(trx, { ...form.data, actor }));
    } else {
      const form = parseForm(SplitForm, formData);
      if (!form.ok) return reply({ lineId, errors: form.errors }, 400);
      const currency = await lineCurrency(await getDb(), form.data.lineId);
      if (!currency) return reply({ lineId, formError: "reconcile.error.line_not_found" }, 404);
      const parts = splitParts(form.data, currency);
      if (!parts.ok) return reply({ lineId, errors: { [parts.field]: parts.key } }, 400);
      outcome = await inTransaction((trx) => splitLine(trx, { lineId: form.data.lineId, parts: parts.parts, actor }));
    }
    if (!outcome.ok) {
      const failure = lineErrorStatus(outcome.error);
      return reply({ lineId, formError: failure.key }, failure.status);
    }
    const site = String(formData.get("site") ?? "").toUpperCase().replace(/[^A-Z]/g, "").slice(0, 3);
    return redirect(`/ops/payments/inbox?${site ? `site=${site}&` : ""}done=${intent}`);
  }

  return reply({ formError: "error.invalid" }, 400);
}

export default function ReconciliationInbox() {
  const { sites, view, done } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const busy = navigation.state === "submitting";
  const n = (v: number) => format.number(v);
  if (!view) return <Alert kind="info">{tr("reconcile.noSite")}</Alert>;
  const imp = data?.intent === "import" ? data : undefined;
  const f = view.figures;
  const tiles: [MessageKey, number, string?][] = [
    ["reconcile.figures.imported", f.imported],
    ["reconcile.figures.autoMatched", f.autoMatched, "ok"],
    ["reconcile.figures.manualMatched", f.manualMatched],
    ["reconcile.figures.suggested", f.suggested, "warn"],
    ["reconcile.figures.left", f.suggested + f.unmatched, "over"],
    ["reconcile.figures.notOurs", f.notOurs],
  ];
  const last = view.lastImport;

  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("reconcile.title")}</h1>
          <p className="muted">{tr("reconcile.lead")}</p>
        </div>
        <Link className="btn btn--secondary" to={`/ops/payments/sources?site=${view.site.code}`}>
          {tr("reconcile.sources.link")}
        </Link>
      </div>

      <nav className="subnav" aria-label={tr("common.site")}>
        {sites.map((s) => (
          <Link key={s.code} to={`/ops/payments/inbox?site=${s.code}`} className={s.code === view.site.code ? "active" : undefined} aria-current={s.code === view.site.code ? "page" : undefined}>
            {s.code} — {s.name}
          </Link>
        ))}
      </nav>

      {done ? <Alert kind="success">{tr(`reconcile.done.${done as "confirm"}`)}</Alert> : null}

      <section className="card" aria-labelledby="figures-title">
        <h2 id="figures-title">{tr("reconcile.figures.title", { site: view.site.code })}</h2>
        <div className="tiles">
          {tiles.map(([label, value, tone]) => (
            <div key={label} className={`tile${tone === "over" && value > 0 ? " tile--over" : ""}`}>
              <span className="tile-label">{tr(label)}</span>
              <strong>{n(value)}</strong>
            </div>
          ))}
        </div>
        {last ? (
          <p className="hint" data-testid="last-import">
            {tr("reconcile.last", {
              file: last.fileName,
              at: format.dateTime(last.at),
              by: last.by ?? tr("reconcile.byCli"),
              lines: last.lines,
              new: last.new,
              matched: last.matched,
              suggested: last.suggested,
              unmatched: last.unmatched,
              outgoing: last.outgoing,
            })}
          </p>
        ) : (
          <p className="muted">{tr("reconcile.noImport")}</p>
        )}
      </section>

      <section className="card" aria-labelledby="import-title">
        <h2 id="import-title">{tr("reconcile.import.title")}</h2>
        <FormErrors formError={imp?.formError} errors={imp?.errors && !imp.issues ? imp.errors : undefined} />
        {imp?.issues ? (
          <div role="alert">
            <Alert>{tr("reconcile.import.nothingStored", { file: imp.fileName ?? "" })}</Alert>
            <ul className="small">
              {imp.issues.map((issue, i) => (
                <li key={i}>
                  {issue.line ? tr("reconcile.issue.line", { line: issue.line }) : null}
                  {issue.field ? <code>{issue.field}</code> : null} {tr(`reconcile.issue.${issue.problem}`, { max: n(STATEMENT_MAX_LINES), mb: STATEMENT_MAX_BYTES / 1024 / 1024 })}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <Form method="post" encType="multipart/form-data" noValidate className="inline-form" key={last?.at ?? "import"}>
          <input type="hidden" name="intent" value="import" />
          <input type="hidden" name="site" value={view.site.code} />
          <div className={`field${imp?.errors?.source ? " field--error" : ""}`}>
            <label htmlFor="f-source">{tr("reconcile.import.source")}</label>
            <select id="f-source" name="source" defaultValue={view.sources[0]?.id ?? "plain"}>
              {view.sources.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} ({tr(`reconcile.format.${s.format}`)})
                </option>
              ))}
              <option value="plain">{tr("reconcile.import.plainCsv")}</option>
              <option value="plain_mt940">{tr("reconcile.import.plainMt940")}</option>
              <option value="plain_camt053">{tr("reconcile.import.plainCamt")}</option>
            </select>
          </div>
          <div className={`field${imp?.errors?.file ? " field--error" : ""}`}>
            <label htmlFor="f-file">{tr("reconcile.import.file")}</label>
            <input id="f-file" name="file" type="file" accept=".csv,.txt,.sta,.mt940,.xml,text/csv,text/plain,application/xml" required aria-invalid={imp?.errors?.file ? true : undefined} />
            {imp?.errors?.file ? (
              <p className="field-error" role="alert">
                {tr(imp.errors.file, { max: n(STATEMENT_MAX_LINES), mb: STATEMENT_MAX_BYTES / 1024 / 1024 })}
              </p>
            ) : (
              <p className="hint">{tr("reconcile.import.hint", { max: n(STATEMENT_MAX_LINES), mb: STATEMENT_MAX_BYTES / 1024 / 1024 })}</p>
            )}
          </div>
          <button className="btn" disabled={busy}>
            {tr("reconcile.import.submit")}
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="open-title">
        <h2 id="open-title">{tr("reconcile.open.title", { count: n(view.lines.length) })}</h2>
        {view.lines.length === 0 ? <p className="muted">{tr("reconcile.open.empty")}</p> : null}
        {view.truncated ? <p className="hint">{tr("reconcile.open.truncated", { count: n(view.lines.length) })}</p> : null}
        {view.lines.map((line) => {
          const mine = data && data.intent !== "import" && data.lineId === line.id ? data : undefined;
          const fieldError = (name: string) => (mine?.errors?.[name] ? <span className="field-error">{tr(mine.errors[name]!)}</span> : null);
          return (
            <article key={line.id} className="card reconcile-line" aria-label={line.label || line.transactionId || line.id}>
              <div className="page-head">
                <div>
                  <strong>{format.money(line.amountMinor, line.currency)}</strong> · {format.date(line.bookedOn)} ·{" "}
                  <span className={line.ageDays > 30 ? "badge badge--failed" : "badge"}>{tr("reconcile.age", { days: n(line.ageDays) })}</span>{" "}
                  <span className={`badge ${line.status === "suggested" ? "badge--pending" : "badge--inactive"}`}>{tr(`reconcile.status.${line.status}`)}</span>
                  <p className="muted small">
                    {line.label || "—"}
                    {line.payer ? ` · ${line.payer}` : ""}
                    {line.transactionId ? ` · ${line.transactionId}` : ""} · {tr(`reconcile.method.${line.method}`)}
                  </p>
                  {line.reason ? <p className="small">{tr(`reconcile.reason.${line.reason}`, { org: line.orgName ?? "" })}</p> : null}
                </div>
              </div>
              {mine?.formError ? <Alert>{tr(mine.formError)}</Alert> : null}
              {line.suggestions.length ? (
                <ul className="small">
                  {line.suggestions.map((s) => (
                    <li key={s.invoiceId}>
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="confirm" />
                        <input type="hidden" name="site" value={view.site.code} />
                        <input type="hidden" name="lineId" value={line.id} />
                        <input type="hidden" name="invoiceId" value={s.invoiceId} />
                        {s.number} — {s.orgName} — {tr("reconcile.balance", { amount: format.money(s.balanceMinor, line.currency) })}{" "}
                        <button className="btn btn--small" disabled={busy}>
                          {tr("reconcile.action.confirm")}
                        </button>
                      </Form>
                    </li>
                  ))}
                </ul>
              ) : null}
              <details>
                <summary>{tr("reconcile.action.split")}</summary>
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="split" />
                  <input type="hidden" name="site" value={view.site.code} />
                  <input type="hidden" name="lineId" value={line.id} />
                  {Array.from({ length: SPLIT_ROWS }, (_, i) => (
                    <span key={i} className="stack-h">
                      <input name={`number${i + 1}`} aria-label={tr("reconcile.split.number", { n: i + 1 })} placeholder={`${view.site.code}-2026-000001`} size={18} />
                      <input name={`amount${i + 1}`} aria-label={tr("reconcile.split.amount", { n: i + 1 })} inputMode="decimal" size={12} />
                      {fieldError(`number${i + 1}`)}
                      {fieldError(`amount${i + 1}`)}
                    </span>
                  ))}
                  <button className="btn btn--small" disabled={busy}>
                    {tr("reconcile.action.splitSubmit")}
                  </button>
                  <p className="hint">{tr("reconcile.split.hint")}</p>
                </Form>
              </details>
              <details>
                <summary>{tr("reconcile.action.assign")}</summary>
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="assign" />
                  <input type="hidden" name="site" value={view.site.code} />
                  <input type="hidden" name="lineId" value={line.id} />
                  <select name="orgId" aria-label={tr("reconcile.assign.org")}>
                    {view.orgs.map((o) => (
                      <option key={o.id} value={o.id}>
                        {o.name}
                      </option>
                    ))}
                  </select>
                  {fieldError("orgId")}
                  <button className="btn btn--small" disabled={busy}>
                    {tr("reconcile.action.assignSubmit")}
                  </button>
                </Form>
              </details>
              <details>
                <summary>{tr("reconcile.action.notOurs")}</summary>
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="not_ours" />
                  <input type="hidden" name="site" value={view.site.code} />
                  <input type="hidden" name="lineId" value={line.id} />
                  <input name="reason" aria-label={tr("reconcile.notOurs.reason")} placeholder={tr("reconcile.notOurs.placeholder")} size={40} />
                  {fieldError("reason")}
                  <button className="btn btn--small btn--danger-ghost" disabled={busy}>
                    {tr("reconcile.action.notOursSubmit")}
                  </button>
                </Form>
              </details>
            </article>
          );
        })}
      </section>
    </>
  );
}
