import { json, type LoaderFunctionArgs, type SerializeFrom } from "@remix-run/node";
import { Outlet, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { ErrorContent } from "~/components/error-page";
import { requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { AppShell } from "~/components/shell";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  return json({ name: user.name, role: user.operatorRole, canReadAudit: operatorCan(user.operatorRole, "audit:read"), canBill: operatorCan(user.operatorRole, "billing:manage") });
}

export default function OperatorArea() {
  const data = useLoaderData<typeof loader>();
  return (
    <OperatorShell data={data}>
      <Outlet />
    </OperatorShell>
  );
}

/**
 * A 404 or an unexpected error inside /ops keeps the shell and its navigation.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  // An action's error skips the area's own loader (Remix renders this boundary without its data):
  // the shell is kept with its navigation, without the user's name.
  const data = useRouteLoaderData<typeof loader>("routes/ops") ?? { name: "", role: "ops_noc" as const, canReadAudit: false, canBill: false };
  return (
    <OperatorShell data={data}>
      <ErrorContent error={error} home="/ops" />
    </OperatorShell>
  );
}

function OperatorShell({ data, children }: { data: SerializeFrom<typeof loader>; children: ReactNode }) {
  const tr = useT();
  const nav: { to: string; label: MessageKey; end?: boolean }[] = [
    { to: "/ops/desk", label: "servicedesk.nav" },
    { to: "/ops/requests", label: "nav.queue" },
    { to: "/ops/cross-connects", label: "crossconnects.nav" },
    { to: "/ops/sites", label: "nav.sites" },
    { to: "/ops/contracts", label: "nav.contracts" },
    { to: "/ops/metering", label: "nav.metering" },
    { to: "/ops/organisations", label: "nav.organisations" },
    ...(data.canBill ? [{ to: "/ops/billing", label: "billingOps.nav.operator" as const }] : []),
    ...(data.canBill ? [{ to: "/ops/receivables", label: "receivables.nav" as const }] : []),
    ...(data.canBill ? [{ to: "/ops/payments/inbox", label: "reconcile.nav" as const }] : []),
    ...(data.canBill ? [{ to: "/ops/payments", label: "payments.nav" as const, end: true }] : []),
    ...(data.canReadAudit ? [{ to: "/ops/audit", label: "nav.audit" as const }] : []),
    { to: "/ops/outbox", label: "nav.outbox" },
  ];
  return (
    <AppShell area="ops" nav={nav} who={{ name: data.name, context: data.name ? tr(`role.${data.role}`) : "" }}>
      {children}
    </AppShell>
  );
}
