import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound } from "~/modules/auth/session.server";
import { requireFinanceOperator } from "~/modules/payments/receivables.server";
import { statementView } from "~/modules/payments/statement.server";
import { getDb } from "~/utils/db.server";
import { StatementBody } from "~/components/statement";
import { useT } from "~/components/i18n";

/** GET /ops/organisations/:orgId/statement?currency=&from=&to= — any organisation's statement (admins and finance). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireFinanceOperator(request);
  const orgId = params.orgId ?? "";
  const view = await statementView(await getDb(), { orgId, params: new URL(request.url).searchParams, base: `/ops/organisations/${orgId}/statement` });
  if (!view) notFound();
  return json(view, { status: Object.keys(view.errors).length ? 400 : 200 });
}

export default function OpsStatement() {
  const view = useLoaderData<typeof loader>();
  const tr = useT();
  const path = `/ops/organisations/${view.org.id}/statement`;
  return (
    <>
      <nav className="breadcrumbs" aria-label={tr("nav.breadcrumbs")}>
        <Link to="/ops/organisations">{tr("nav.organisations")}</Link> / <Link to={`/ops/organisations/${view.org.id}`}>{view.org.name}</Link> /{" "}
        <Link to="/ops/receivables">{tr("receivables.nav")}</Link>
      </nav>
      <div className="page-head">
        <div>
          <h1>{tr("statement.opsTitle", { org: view.org.name })}</h1>
          <p className="muted">{tr("statement.intro")}</p>
        </div>
      </div>
      <StatementBody view={view} path={path} />
    </>
  );
}
