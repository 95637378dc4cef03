import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { listOutbox, outboxShowsSecrets } from "~/modules/email/outbox.server";
import { env } from "#db/env.server";
import { pageParam } from "~/utils/forms";
import { getDb } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { StatusBadge } from "~/components/shell";
import { SecretsBanner } from "~/components/outbox-secrets-banner";
import { Pager } from "~/components/pager";
import { useFormat, useT } from "~/components/i18n";

const PAGE_SIZE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "outbox:read");
  const page = pageParam(request);
  const { items, total } = await listOutbox(await getDb(), { page, pageSize: PAGE_SIZE });
  return json({
    page,
    total,
    smtp: Boolean(env().SMTP_URL),
    showsSecrets: outboxShowsSecrets(),
    rows: items.map((r) => ({ id: r.id, to: r.to_address, subject: r.subject, status: r.status, attempts: r.attempts, created_at: r.created_at })),
  });
}

export default function Outbox() {
  const { rows, page, total, smtp, showsSecrets } = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  return (
    <>
      <div className="page-head">
        <h1>{tr("ops.outbox.title")}</h1>
      </div>
      <p className="muted">{tr("ops.outbox.intro")}</p>
      <SecretsBanner showsSecrets={showsSecrets} />
      <Alert kind={smtp ? "success" : "info"}>{smtp ? tr("ops.outbox.smtpOn") : tr("ops.outbox.smtpOff")}</Alert>
      <section className="card">
        {rows.length === 0 ? (
          <p className="muted">{tr("ops.outbox.empty")}</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>{tr("ops.outbox.created")}</th>
                <th>{tr("ops.outbox.to")}</th>
                <th>{tr("ops.outbox.subject")}</th>
                <th>{tr("ops.outbox.status")}</th>
                <th className="num">{tr("ops.outbox.attempts")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <tr key={m.id}>
                  <td className="nowrap">{format.dateTime(m.created_at)}</td>
                  <td>{m.to}</td>
                  <td>
                    <Link to={`/ops/outbox/${m.id}`}>{m.subject}</Link>
                  </td>
                  <td>
                    <StatusBadge status={m.status} label={tr(`outbox.status.${m.status}`)} />
                  </td>
                  <td className="num">{m.attempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pager page={page} total={total} pageSize={PAGE_SIZE} />
      </section>
    </>
  );
}
