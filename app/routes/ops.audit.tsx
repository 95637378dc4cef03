import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { listAudit } from "~/modules/audit/audit.server";
import { pageParam } from "~/utils/forms";
import { getDb } from "~/utils/db.server";
import { AuditTable } from "~/components/audit-table";
import { Pager } from "~/components/pager";
import { useT } from "~/components/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "audit:read");
  const page = pageParam(request);
  const { rows, total, pageSize } = await listAudit(await getDb(), { page });
  return json({ rows, total, pageSize, page });
}

export default function AuditLog() {
  const { rows, total, pageSize, page } = useLoaderData<typeof loader>();
  const tr = useT();
  return (
    <>
      <div className="page-head">
        <h1>{tr("ops.audit.title")}</h1>
      </div>
      <section className="card">
        <AuditTable rows={rows} />
        <Pager page={page} total={total} pageSize={pageSize} />
      </section>
    </>
  );
}
