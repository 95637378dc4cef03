import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLocation } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/**
 * The frame of the operator billing pages (/ops/billing): the heading and the sub-navigation.
 * Billing belongs to admins and finance: every page below requires `billing:manage` (this loader
 * answers 403 to the other operators first; each page checks again).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "billing:manage");
  return null;
}

const TABS: { to: string; label: MessageKey; exact?: boolean }[] = [
  { to: "/ops/billing", label: "billingOps.nav.overview", exact: true },
  { to: "/ops/billing/invoices", label: "billingOps.nav.invoices" },
  { to: "/ops/billing/credit-notes", label: "billingOps.nav.creditNotes" },
  { to: "/ops/billing/rates", label: "billingOps.nav.rates" },
  { to: "/ops/billing/issuers", label: "billingOps.nav.issuers" },
  { to: "/ops/billing/late-usage", label: "billingOps.nav.lateUsage" },
  { to: "/ops/billing/reminders", label: "reminders.nav" },
];

export default function BillingLayout() {
  const tr = useT();
  const path = useLocation().pathname.replace(/\/+$/, "");
  const current = TABS.find((tab) => (tab.exact ? path === tab.to : path === tab.to || path.startsWith(`${tab.to}/`)));
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("billingOps.title")}</h1>
          <p className="muted">{tr("billingOps.lead")}</p>
        </div>
      </div>
      <nav className="subnav" aria-label={tr("billingOps.nav.label")}>
        {TABS.map((tab) => (
          <Link key={tab.to} to={tab.to} className={current === tab ? "active" : undefined} aria-current={current === tab ? "page" : undefined}>
            {tr(tab.label)}
          </Link>
        ))}
      </nav>
      <Outlet />
    </>
  );
}
