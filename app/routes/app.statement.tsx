import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { statementView } from "~/modules/payments/statement.server";
import { getDb } from "~/utils/db.server";
import { StatementBody } from "~/components/statement";
import { useT } from "~/components/i18n";

/**
 * GET /app/statement?currency=&from=&to= — the organisation's statement of account (roles with
 * invoices:read). Defaults: this year to date, the first currency it has movements in. A malformed
 * parameter is named beside its field and the default used instead (400).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "invoices:read");
  const view = await statementView(await getDb(), { orgId: user.orgId, params: new URL(request.url).searchParams, base: "/app/statement" });
  if (!view) notFound();
  return json(view, { status: Object.keys(view.errors).length ? 400 : 200 });
}

export default function TenantStatement() {
  const view = useLoaderData<typeof loader>();
  const tr = useT();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("statement.title")}</h1>
          <p className="muted">{tr("statement.intro")}</p>
        </div>
        <Link to="/app/invoices">{tr("statement.card.invoices")} →</Link>
      </div>
      <StatementBody view={view} path="/app/statement" />
    </>
  );
}
