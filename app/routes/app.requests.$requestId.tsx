import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { cancelRequest, getRequest, shortRef } from "~/modules/requests/requests.server";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, FormErrors } from "~/components/forms";
import { StatusBadge } from "~/components/shell";
import { QuoteLines, QuoteSummary } from "~/components/quote-summary";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";
import { readForm } from "~/utils/forms.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "requests:read");
  const r = await getRequest(await getDb(), { orgId: user.orgId }, params.requestId ?? "");
  if (!r) notFound();
  return json({
    canCancel: r.status === "pending" && tenantCan(user.role, "requests:create"),
    request: {
      id: r.id,
      ref: shortRef(r.id),
      status: r.status,
      siteCode: r.site_code,
      siteName: r.site_name,
      currency: r.currency,
      timeZone: r.time_zone,
      vatRateBp: r.vat_rate_bp,
      isVatExempt: r.is_vat_exempt,
      desiredStartOn: r.desired_start_on,
      termMonths: r.term_months,
      notes: r.notes,
      createdAt: r.created_at,
      createdBy: r.created_by_name,
      decidedAt: r.decided_at,
      rejectionReason: r.rejection_reason,
      contractId: r.contract_id,
      contractRef: r.contract_id ? shortRef(r.contract_id) : null,
      lines: r.lines,
      quote: r.quote,
    },
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireTenant(request, "requests:create");
  const form = await readForm(request);
  if (form.get("intent") !== "cancel") return json<{ formError: MessageKey }>({ formError: "error.invalid" }, { status: 400 });
  const result = await inTransactionOrRollback((trx) =>
    cancelRequest(trx, { orgId: user.orgId, requestId: params.requestId ?? "", actor: { id: user.id, email: user.email, ip: clientIp(context) }, baseUrl: baseUrl(request) }),
  );
  if (!result.ok && result.error === "not_found") notFound();
  if (!result.ok) return json<{ formError: MessageKey }>({ formError: "requests.error.not_pending" }, { status: 409 });
  return redirect(`/app/requests/${params.requestId}`);
}

export default function RequestPage() {
  const { request: r, canCancel } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const [search] = useSearchParams();
  const tr = useT();
  const format = useFormat();
  return (
    <>
      <p>
        <Link to="/app/requests">← {tr("requests.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("requests.detailTitle", { ref: r.ref })}</h1>
          <p className="muted">
            <strong>{r.siteCode}</strong> · {r.siteName}
          </p>
        </div>
        <StatusBadge status={r.status} label={tr(`requests.status.${r.status}`)} />
      </div>
      {search.get("sent") && r.status === "pending" ? <Alert kind="success">{tr("requests.sent")}</Alert> : null}
      <FormErrors formError={data?.formError} />
      {r.status === "pending" && !search.get("sent") ? <Alert kind="info">{tr("requests.pendingNotice")}</Alert> : null}
      {r.status === "cancelled" ? <Alert kind="info">{tr("requests.cancelledNotice")}</Alert> : null}
      {r.status === "rejected" ? (
        <Alert kind="error">
          <strong>{tr("requests.rejectedTitle")}</strong> <span className="pre-line">{r.rejectionReason}</span>
        </Alert>
      ) : null}
      {r.status === "approved" ? (
        <Alert kind="success">
          {tr("requests.approvedNotice")}{" "}
          {r.contractId ? (
            <Link to={`/app/services/${r.contractId}`}>
              <strong>{tr("requests.viewContract")} {r.contractRef} →</strong>
            </Link>
          ) : null}
        </Alert>
      ) : null}

      <div className="req-detail">
        <div>
          <section className="card">
            <h2>{tr("requests.lines")}</h2>
            <QuoteLines lines={r.quote.lines} currency={r.currency} />
          </section>
          <section className="card">
            <dl className="facts">
              <dt>{tr("requests.col.start")}</dt>
              <dd>{format.date(r.desiredStartOn)}</dd>
              <dt>{tr("requests.col.term")}</dt>
              <dd>{tr("requests.termValue", { months: r.termMonths })}</dd>
              <dt>{tr("requests.facts.currency")}</dt>
              <dd>{r.currency}</dd>
              <dt>{tr("requests.col.submitted")}</dt>
              <dd>{format.dateTime(r.createdAt, r.timeZone)}</dd>
              <dt>{tr("requests.facts.submittedBy")}</dt>
              <dd>{r.createdBy ?? tr("common.none")}</dd>
              {r.decidedAt ? (
                <>
                  <dt>{tr("requests.facts.decidedOn")}</dt>
                  <dd>{format.dateTime(r.decidedAt, r.timeZone)}</dd>
                </>
              ) : null}
              {r.notes ? (
                <>
                  <dt>{tr("requests.field.notes")}</dt>
                  <dd className="pre-line">{r.notes}</dd>
                </>
              ) : null}
            </dl>
          </section>
        </div>
        <aside>
          <section className="card">
            <h2>{tr("requests.quote.title")}</h2>
            <QuoteSummary quote={r.quote} currency={r.currency} vatRateBp={r.vatRateBp} exempt={r.isVatExempt} />
            <p className="hint">{tr("requests.quote.note")}</p>
          </section>
          {canCancel ? (
            <Form
              method="post"
              onSubmit={(e) => {
                if (!confirm(tr("requests.cancelConfirm"))) e.preventDefault();
              }}
            >
              <input type="hidden" name="intent" value="cancel" />
              <button className="btn btn--danger-ghost btn--block" disabled={navigation.state === "submitting"}>
                {tr("requests.cancel")}
              </button>
            </Form>
          ) : null}
        </aside>
      </div>
    </>
  );
}
