import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireTenant } from "~/modules/auth/session.server";
import { tenantDashboardView } from "~/modules/orgs/dashboard-view.server";
import { tenantCan } from "~/modules/auth/permissions";
import { AccountCard } from "~/components/account-card";
import { getDb } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { StatusBadge } from "~/components/shell";
import { useFormat, useT } from "~/components/i18n";
import { OrgBillingSection, type BillingActionData } from "~/components/org-billing";
import { TenantBillingLanguageForm, updateBillingSettings } from "~/modules/billing/org-billing.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { clientIp } from "~/utils/request.server";
import { inTransaction } from "~/utils/db.server";
import { dayIn } from "~/utils/dates";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "org:read");
  const today = dayIn("UTC");
  const view = await tenantDashboardView(await getDb(), { orgId: user.orgId, withAccount: tenantCan(user.role, "invoices:read"), today });
  if (!view) throw new Response("Not Found", { status: 404 });
  const { org } = view;
  return json({
    user: { name: user.name, role: user.role },
    org: {
      name: org.name,
      kind: org.kind,
      status: org.status,
      taxId: org.tax_id,
      rccm: org.rccm,
      country: org.country,
      billingEmail: org.billing_email,
      isVatExempt: org.is_vat_exempt,
      paymentTermsDays: org.payment_terms_days,
    },
    members: view.members,
    // Counted by the one status rule: a contract that starts later is upcoming, not active.
    contracts: view.contracts,
    sites: view.sites,
    // Only for the roles that may read invoices (not technical).
    account: view.account,
    today,
    // Every member reads the billing settings; the roles that manage the organisation (owners, admins) change its invoice language.
    billing: view.billing,
    canChangeBillingLanguage: tenantCan(user.role, "members:manage"),
  });
}

/** The invoice language of the session's organisation: owners and admins (the exemption is the operator's). */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireTenant(request, "members:manage");
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  if (intent !== "billing_settings") return json<BillingActionData>({ intent, formError: "error.invalid" }, { status: 400 });
  const parsed = parseForm(TenantBillingLanguageForm, form);
  if (!parsed.ok) return json<BillingActionData>({ intent, errors: parsed.errors }, { status: 400 });
  const result = await inTransaction((trx) =>
    updateBillingSettings(trx, {
      orgId: user.orgId,
      change: { billingLanguage: parsed.data.billingLanguage },
      actor: { id: user.id, email: user.email, ip: clientIp(context) },
    }),
  );
  if (!result.ok) throw new Response("Not Found", { status: 404 });
  return json<BillingActionData>({ intent, notice: result.changed ? "orgBilling.saved" : "orgBilling.unchanged" });
}

export default function Dashboard() {
  const { user, org, members, sites, contracts, account, today, billing, canChangeBillingLanguage } = useLoaderData<typeof loader>();
  const billingData = useActionData<typeof action>() as BillingActionData | undefined;
  const tr = useT();
  const format = useFormat();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("dashboard.title", { name: user.name.split(" ")[0] })}</h1>
          <p className="muted">
            {org.name} · {tr(`orgKind.${org.kind}`)} · {format.country(org.country)}
          </p>
        </div>
        <StatusBadge status={org.status} label={tr(`orgStatus.${org.status}`)} />
      </div>
      {org.status === "pending" ? <Alert kind="warning">{tr("dashboard.pendingNotice")}</Alert> : null}
      {org.status === "suspended" ? <Alert kind="error">{tr("dashboard.suspendedNotice")}</Alert> : null}
      <div className="tiles">
        <div className="tile">
          <span className="tile-label">{tr("dashboard.yourRole")}</span>
          <strong>{tr(`role.${user.role}`)}</strong>
        </div>
        <div className="tile">
          <span className="tile-label">{tr("dashboard.members")}</span>
          <strong>{format.number(members)}</strong>
          <Link to="/app/members">{tr("nav.members")} →</Link>
        </div>
        <div className="tile">
          <span className="tile-label">{tr("requests.dashboard.services")}</span>
          <strong>{tr("requests.dashboard.servicesValue", { active: contracts.active, upcoming: contracts.upcoming })}</strong>
          <Link to="/app/services">{tr("nav.services")} →</Link>
        </div>
        <div className="tile">
          <span className="tile-label">{tr("dashboard.paymentTerms")}</span>
          <strong>{tr("dashboard.paymentTermsValue", { days: org.paymentTermsDays })}</strong>
        </div>
        <div className="tile">
          <span className="tile-label">{tr("dashboard.vat")}</span>
          <strong>{org.isVatExempt ? tr("dashboard.vatExempt") : tr("dashboard.vatApplies")}</strong>
        </div>
      </div>
      {account ? <AccountCard positions={account} today={today} /> : null}
      {billing ? <OrgBillingSection view={billing} data={billingData} mode={canChangeBillingLanguage ? "tenant" : "tenantReadOnly"} /> : null}
      <section className="card">
        <h2>{tr("dashboard.sites")}</h2>
        <table className="table">
          <thead>
            <tr>
              <th>Code</th>
              <th>{tr("common.site")}</th>
              <th className="hide-sm">{tr("field.country")}</th>
              <th>{tr("dashboard.currency")}</th>
              <th className="num">{tr("dashboard.vat")}</th>
            </tr>
          </thead>
          <tbody>
            {sites.map((s) => (
              <tr key={s.id}>
                <td>
                  <strong>{s.code}</strong>
                </td>
                <td>{s.name}</td>
                <td className="hide-sm">{format.country(s.country)}</td>
                <td>{s.currency}</td>
                <td className="num">{format.number(s.vat_rate_bp / 10000, { style: "percent", maximumFractionDigits: 2 })}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">{tr("dashboard.comingSoon")}</p>
      </section>
    </>
  );
}
