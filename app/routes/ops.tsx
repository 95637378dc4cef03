import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { operatorCan } from "~/modules/auth/permissions";
import { AppShell } from "~/components/shell";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireOperator(request, "orgs:read");
  return json({ name: user.name, role: user.operatorRole, canReadAudit: operatorCan(user.operatorRole, "audit:read") });
}

export default function OperatorArea() {
  const data = useLoaderData<typeof loader>();
  const tr = useT();
  const nav: { to: string; label: MessageKey }[] = [
    { to: "/ops/requests", label: "nav.queue" },
    { to: "/ops/sites", label: "nav.sites" },
    { to: "/ops/contracts", label: "nav.contracts" },
    { to: "/ops/metering", label: "nav.metering" },
    { to: "/ops/organisations", label: "nav.organisations" },
    ...(data.canReadAudit ? [{ to: "/ops/audit", label: "nav.audit" as const }] : []),
    { to: "/ops/outbox", label: "nav.outbox" },
  ];
  return (
    <AppShell area="ops" nav={nav} who={{ name: data.name, context: tr(`role.${data.role}`) }}>
      <Outlet />
    </AppShell>
  );
}
