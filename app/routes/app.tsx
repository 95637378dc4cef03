import { json, type LoaderFunctionArgs, type SerializeFrom } from "@remix-run/node";
import { Outlet, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { ErrorContent } from "~/components/error-page";
import { requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { deskBadge } from "~/modules/servicedesk/hub.server";
import { getDb } from "~/utils/db.server";
import { AppShell } from "~/components/shell";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "org:read");
  return json({
    deskAttention: await deskBadge(await getDb(), user.orgId),
    name: user.name,
    orgName: user.org_name ?? "",
    role: user.role,
    canManageMembers: tenantCan(user.role, "members:manage"),
    canReadInvoices: tenantCan(user.role, "invoices:read"),
  });
}

export default function TenantArea() {
  const data = useLoaderData<typeof loader>();
  return (
    <TenantShell data={data}>
      <Outlet />
    </TenantShell>
  );
}

/**
 * A 404 or an unexpected error inside /app keeps the shell and its navigation.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  // An action's error skips the area's own loader (Remix renders this boundary without its data):
  // the shell is kept with its navigation, without the user's name.
  const data = useRouteLoaderData<typeof loader>("routes/app") ?? { name: "", orgName: "", role: "viewer" as const, canManageMembers: false, canReadInvoices: false, deskAttention: 0 };
  return (
    <TenantShell data={data}>
      <ErrorContent error={error} home="/app" />
    </TenantShell>
  );
}

function TenantShell({ data, children }: { data: SerializeFrom<typeof loader>; children: ReactNode }) {
  const tr = useT();
  const nav: { to: string; label: MessageKey; end?: boolean; count?: number }[] = [
    { to: "/app", label: "nav.dashboard", end: true },
    { to: "/app/requests", label: "nav.requests" },
    { to: "/app/services", label: "nav.services" },
    { to: "/app/cross-connects", label: "crossconnects.nav" },
    { to: "/app/desk", label: "servicedesk.nav", count: data.deskAttention },
    { to: "/app/usage", label: "nav.usage" },
    ...(data.canReadInvoices ? [{ to: "/app/invoices", label: "invoices.nav" as const }] : []),
    ...(data.canReadInvoices ? [{ to: "/app/statement", label: "statement.nav" as const }] : []),
    { to: "/app/members", label: "nav.members" },
  ];
  return (
    <AppShell area="tenant" nav={nav} who={{ name: data.name, context: data.name ? `${data.orgName} · ${tr(`role.${data.role}`)}` : "" }}>
      {children}
    </AppShell>
  );
}
