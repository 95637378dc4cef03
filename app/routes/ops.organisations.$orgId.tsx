import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { changeOrganisationStatus, getOrganisation } from "~/modules/orgs/organisations.server";
import { listMembers } from "~/modules/orgs/members.server";
import { listAudit } from "~/modules/audit/audit.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { OrgStatusForm } from "~/modules/orgs/schemas.server";
import { type FormState } from "~/utils/forms";
import { baseUrl, clientIp } from "~/utils/request.server";
import { getDb, inTransaction } from "~/utils/db.server";
import { Alert, FormErrors } from "~/components/forms";
import { StatusBadge } from "~/components/shell";
import { AuditTable } from "~/components/audit-table";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";
import {
  CERTIFICATE_ERRORS,
  CertificateForm,
  OpsBillingSettingsForm,
  addExemptionCertificate,
  orgBillingView,
  updateBillingSettings,
} from "~/modules/billing/org-billing.server";
import type { FieldErrors } from "~/utils/forms";
import { dayIn } from "~/utils/dates";
import { OrgBillingSection, type BillingActionData } from "~/components/org-billing";
import { isReminderIntent, orgRemindersView, reminderPauseAction } from "~/modules/payments/reminders-forms.server";
import { OrgRemindersSection } from "~/components/org-reminders";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  const db = await getDb();
  const org = await getOrganisation(db, params.orgId ?? "");
  if (!org) notFound();
  return json({
    org,
    members: await listMembers(db, org.id),
    history: (await listAudit(db, { page: 1, pageSize: 20, orgId: org.id })).rows,
    canChangeStatus: operatorCan(user.operatorRole, "orgs:verify"),
    // Every operator reads the billing settings; only `billing:manage` (admins, finance) changes them.
    billing: await orgBillingView(db, org.id, dayIn("UTC")),
    canManageBilling: operatorCan(user.operatorRole, "billing:manage"),
    reminders: await orgRemindersView(db, org.id, user.operatorRole),
  });
}

const BILLING_INTENTS = ["billing_settings", "add_certificate"] as const;
type BillingIntent = (typeof BILLING_INTENTS)[number];

/** The intent of a form post, read from a copy of the request (the status form sends none). */
async function peekIntent(request: Request): Promise<string> {
  try {
    return String((await readForm(request.clone())).get("intent") ?? "");
  } catch {
    return "";
  }
}

/** The billing section's two forms: settings and a new exemption certificate (`billing:manage`). */
async function billingAction(request: Request, orgId: string, intent: BillingIntent, ip: string | null) {
  const user = await requireOperator(request, "billing:manage");
  const form = await readForm(request);
  const actor = { id: user.id, email: user.email, ip };
  const fail = (status: number, errors: FieldErrors | undefined, formError?: MessageKey) =>
    json<BillingActionData>({ intent, errors, formError }, { status });
  if (intent === "billing_settings") {
    const parsed = parseForm(OpsBillingSettingsForm, form);
    if (!parsed.ok) return fail(400, parsed.errors);
    const result = await inTransaction((trx) => updateBillingSettings(trx, { orgId, change: parsed.data, actor }));
    if (!result.ok) notFound();
    return json<BillingActionData>({ intent, notice: result.changed ? "orgBilling.saved" : "orgBilling.unchanged" });
  }
  const parsed = parseForm(CertificateForm, form);
  if (!parsed.ok) return fail(400, parsed.errors);
  const result = await inTransaction((trx) => addExemptionCertificate(trx, { orgId, ...parsed.data, actor }));
  if (result.ok) return json<BillingActionData>({ intent, notice: "orgBilling.certificateAdded" });
  if (result.error === "not_found") notFound();
  const field = result.error === "duplicate" ? "reference" : "validTo";
  return fail(result.error === "duplicate" ? 409 : 400, { [field]: CERTIFICATE_ERRORS[result.error] });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  await requireOperator(request, "orgs:read");
  const intent = await peekIntent(request);
  const billingIntent = BILLING_INTENTS.find((i) => i === intent);
  if (billingIntent) return billingAction(request, params.orgId ?? "", billingIntent, clientIp(context));
  if (isReminderIntent(intent)) return reminderPauseAction(request, params.orgId ?? "", intent, clientIp(context));
  const user = await requireOperator(request, "orgs:verify");
  const parsed = parseForm(OrgStatusForm, await readForm(request));
  if (!parsed.ok) return json<FormState>({ errors: parsed.errors, formError: "error.invalidChoice", notice: undefined }, { status: 400 });
  const result = await inTransaction((trx) =>
    changeOrganisationStatus(trx, {
      orgId: params.orgId ?? "",
      transition: parsed.data.transition,
      reason: parsed.data.reason,
      actor: { id: user.id, email: user.email, ip: clientIp(context) },
      baseUrl: baseUrl(request),
    }),
  );
  if (!result.ok && result.error === "not_found") notFound();
  if (!result.ok) return json<FormState>({ errors: undefined, formError: "error.invalidTransition", notice: undefined }, { status: 409 });
  const notice: MessageKey = result.status === "suspended" ? "ops.orgs.suspended" : "ops.orgs.verified";
  return json<FormState>({ errors: undefined, formError: undefined, notice });
}

export default function OrganisationPage() {
  const { org, members, history, canChangeStatus, billing, canManageBilling, reminders } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as FormState | BillingActionData | undefined;
  const billingData = actionData && "intent" in actionData ? actionData : undefined;
  const data = actionData && !("intent" in actionData) ? actionData : undefined;
  const tr = useT();
  const format = useFormat();
  return (
    <>
      <p>
        <Link to="/ops/organisations">← {tr("common.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{org.name}</h1>
          <p className="muted">
            {tr(`orgKind.${org.kind}`)} · {format.country(org.country)}
          </p>
          {canManageBilling ? (
            <p>
              <Link to={`/ops/organisations/${org.id}/statement`}>{tr("statement.link")} →</Link> · <Link to={`/ops/payments/credit/${org.id}`}>{tr("payments.credit.link")} →</Link>
            </p>
          ) : null}
        </div>
        <StatusBadge status={org.status} label={tr(`orgStatus.${org.status}`)} />
      </div>
      {data?.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}
      <FormErrors formError={data?.formError} />
      <div className="grid-2 grid-2--top">
        <section className="card">
          <h2>{tr("ops.orgs.details")}</h2>
          <dl className="facts">
            <dt>{tr("field.taxId")}</dt>
            <dd className="mono">{org.tax_id}</dd>
            <dt>{tr("field.rccm")}</dt>
            <dd className="mono">{org.rccm ?? tr("common.none")}</dd>
            <dt>{tr("field.billingEmail")}</dt>
            <dd>{org.billing_email}</dd>
            <dt>{tr("field.address")}</dt>
            <dd>{org.address}</dd>
            <dt>{tr("dashboard.vat")}</dt>
            <dd>{org.is_vat_exempt ? tr("dashboard.vatExempt") : tr("dashboard.vatApplies")}</dd>
            <dt>{tr("dashboard.paymentTerms")}</dt>
            <dd>{tr("dashboard.paymentTermsValue", { days: org.payment_terms_days })}</dd>
            <dt>{tr("ops.orgs.created")}</dt>
            <dd>{format.dateTime(org.created_at)}</dd>
          </dl>
          {canChangeStatus ? (
            <Form method="post" className="status-actions">
              <label htmlFor="reason">
                {tr("field.reason")} <span className="muted">({tr("field.optional")})</span>
              </label>
              <input id="reason" name="reason" maxLength={500} />
              <div className="stack-h">
                {org.status === "pending" ? (
                  <button className="btn" name="transition" value="verify">
                    {tr("ops.orgs.verify")}
                  </button>
                ) : null}
                {org.status === "suspended" ? (
                  <button className="btn" name="transition" value="reinstate">
                    {tr("ops.orgs.reinstate")}
                  </button>
                ) : (
                  <button className="btn btn--danger" name="transition" value="suspend">
                    {tr("ops.orgs.suspend")}
                  </button>
                )}
              </div>
            </Form>
          ) : null}
        </section>
        <section className="card">
          <h2>{tr("ops.orgs.members")}</h2>
          <ul className="list">
            {members.map((m) => (
              <li key={m.id}>
                <div>
                  <strong>{m.name}</strong>
                  <div className="muted">{m.email}</div>
                </div>
                <span>{tr(`role.${m.role}`)}</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
      {billing ? <OrgBillingSection view={billing} data={billingData} mode={canManageBilling ? "operator" : "readOnly"} /> : null}
      <OrgRemindersSection view={reminders} data={billingData} />
      <section className="card">
        <h2>{tr("ops.orgs.history")}</h2>
        <AuditTable rows={history} />
      </section>
    </>
  );
}
