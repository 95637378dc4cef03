import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { AppShell } from "~/components/shell";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "org:read");
  return json({
    name: user.name,
    orgName: user.org_name ?? "",
    role: user.role,
    canManageMembers: tenantCan(user.role, "members:manage"),
  });
}

export default function TenantArea() {
  const data = useLoaderData<typeof loader>();
  const tr = useT();
  const nav: { to: string; label: MessageKey; end?: boolean }[] = [
    { to: "/app", label: "nav.dashboard", end: true },
    { to: "/app/requests", label: "nav.requests" },
    { to: "/app/services", label: "nav.services" },
    { to: "/app/usage", label: "nav.usage" },
    { to: "/app/members", label: "nav.members" },
  ];
  return (
    <AppShell area="tenant" nav={nav} who={{ name: data.name, context: `${data.orgName} · ${tr(`role.${data.role}`)}` }}>
      <Outlet />
    </AppShell>
  );
}
