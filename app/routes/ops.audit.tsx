import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { auditLogView } from "~/modules/audit/audit.server";
import { auditActionLabel } from "~/modules/audit/actions";
import { getDb } from "~/utils/db.server";
import { AuditTable } from "~/components/audit-table";
import { Alert } from "~/components/forms";
import { useT } from "~/components/i18n";
import type { FieldErrors } from "~/utils/forms";

/**
 * GET /ops/audit?actor=&action=&org=&from=&to=&page= — the audit log, filtered by a GET form.
 * A malformed filter is left out and named beside its field, with a 400 (never a 500).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "audit:read");
  const view = await auditLogView(await getDb(), new URL(request.url).searchParams, user.locale);
  return json(view, { status: Object.keys(view.errors).length ? 400 : 200 });
}

export default function AuditLog() {
  const view = useLoaderData<typeof loader>();
  const tr = useT();
  const errors: FieldErrors = view.errors;
  const labelled = view.options.actions
    .map((a) => ({ value: a, label: tr(auditActionLabel(a) ?? "audit.filter.anyAction") }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const field = (name: keyof typeof view.values) => `field${errors[name] ? " field--error" : ""}`;
  const fieldError = (name: string) =>
    errors[name] ? (
      <p className="field-error" id={`af-${name}-error`}>
        {tr(errors[name]!)}
      </p>
    ) : null;
  const described = (name: string) => (errors[name] ? `af-${name}-error` : undefined);

  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("ops.audit.title")}</h1>
          <p className="muted">{tr("audit.intro")}</p>
        </div>
        <a className="btn btn--secondary" href={view.csvHref} download title={tr("audit.exportHint")}>
          {tr("audit.export")}
        </a>
      </div>

      <section className="card audit-filters" aria-labelledby="audit-filters-title">
        <h2 id="audit-filters-title" className="visually-hidden">
          {tr("audit.filters")}
        </h2>
        {Object.keys(errors).length ? <Alert kind="warning">{tr("audit.filter.ignored")}</Alert> : null}
        <Form method="get" className="audit-filter-form">
          <div className={field("actor")}>
            <label htmlFor="af-actor">{tr("audit.filter.actor")}</label>
            <input id="af-actor" name="actor" type="search" defaultValue={view.values.actor} placeholder={tr("audit.filter.actorHint")} maxLength={200} aria-invalid={errors.actor ? true : undefined} aria-describedby={described("actor")} />
            {fieldError("actor")}
          </div>
          <div className={field("action")}>
            <label htmlFor="af-action">{tr("audit.filter.action")}</label>
            <select id="af-action" name="action" defaultValue={errors.action ? "" : view.values.action} aria-invalid={errors.action ? true : undefined} aria-describedby={described("action")}>
              <option value="">{tr("audit.filter.anyAction")}</option>
              {labelled.map((a) => (
                <option key={a.value} value={a.value}>
                  {a.label}
                </option>
              ))}
            </select>
            {fieldError("action")}
          </div>
          <div className={field("org")}>
            <label htmlFor="af-org">{tr("audit.filter.org")}</label>
            <select id="af-org" name="org" defaultValue={errors.org ? "" : view.values.org} aria-invalid={errors.org ? true : undefined} aria-describedby={described("org")}>
              <option value="">{tr("audit.filter.anyOrg")}</option>
              {view.options.orgs.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
            {fieldError("org")}
          </div>
          <div className={field("from")}>
            <label htmlFor="af-from">{tr("audit.filter.from")}</label>
            <input id="af-from" name="from" type="date" min="2000-01-01" max="2100-12-31" defaultValue={view.values.from} aria-invalid={errors.from ? true : undefined} aria-describedby={described("from")} />
            {fieldError("from")}
          </div>
          <div className={field("to")}>
            <label htmlFor="af-to">{tr("audit.filter.to")}</label>
            <input id="af-to" name="to" type="date" min="2000-01-01" max="2100-12-31" defaultValue={view.values.to} aria-invalid={errors.to ? true : undefined} aria-describedby={described("to")} />
            {fieldError("to")}
          </div>
          <div className="audit-filter-actions">
            <button className="btn" type="submit">
              {tr("audit.filter.apply")}
            </button>
            {view.filtered || Object.keys(errors).length ? (
              <Link to="/ops/audit" className="audit-reset">
                {tr("audit.filter.reset")}
              </Link>
            ) : null}
          </div>
        </Form>
      </section>

      <section className="card">
        <p className="muted audit-count">{tr("audit.count", { count: view.total })}</p>
        <AuditTable rows={view.rows} />
        {view.pages > 1 ? (
          <nav className="pager" aria-label={tr("common.page", { page: view.page })}>
            {view.prevHref ? <Link to={view.prevHref}>← {tr("common.previous")}</Link> : <span />}
            <span className="muted">
              {tr("common.page", { page: view.page })} / {view.pages}
            </span>
            {view.nextHref ? <Link to={view.nextHref}>{tr("common.next")} →</Link> : <span />}
          </nav>
        ) : null}
      </section>
    </>
  );
}
