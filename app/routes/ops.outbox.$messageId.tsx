import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { extractLinks, getOutboxMessage, outboxShowsSecrets } from "~/modules/email/outbox.server";
import { getDb } from "~/utils/db.server";
import { StatusBadge } from "~/components/shell";
import { SecretsBanner } from "~/components/outbox-secrets-banner";
import { useFormat, useT } from "~/components/i18n";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request, "outbox:read");
  const message = await getOutboxMessage(await getDb(), params.messageId ?? "");
  if (!message) notFound();
  return json({ message, links: extractLinks(message.text), showsSecrets: outboxShowsSecrets() });
}

export default function OutboxMessage() {
  const { message, links, showsSecrets } = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  return (
    <>
      <p>
        <Link to="/ops/outbox">← {tr("common.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{message.subject}</h1>
          <p className="muted">
            {tr("ops.outbox.to")} {message.to_address} · {format.dateTime(message.created_at)} · {message.template} ({message.locale})
          </p>
        </div>
        <StatusBadge status={message.status} label={tr(`outbox.status.${message.status}`)} />
      </div>
      <SecretsBanner showsSecrets={showsSecrets} />
      {message.last_error ? (
        <p className="alert alert--error">
          {tr("ops.outbox.lastError")}: {message.last_error}
        </p>
      ) : null}
      <div className="grid-2 grid-2--top">
        <section className="card">
          <h2>{tr("ops.outbox.links")}</h2>
          <ul className="links">
            {links.map((href) => (
              <li key={href}>
                <a href={href} data-testid="outbox-link">
                  {href}
                </a>
              </li>
            ))}
          </ul>
          <h2>{tr("ops.outbox.textVersion")}</h2>
          {/* Scrolls when long: focusable, so the keyboard can scroll it too. */}
          <pre className="mail-text" tabIndex={0}>
            {message.text}
          </pre>
        </section>
        <section className="card">
          <h2>{tr("ops.outbox.htmlVersion")}</h2>
          <iframe title={tr("ops.outbox.htmlVersion")} className="mail-preview" sandbox="" srcDoc={message.html} />
        </section>
      </div>
    </>
  );
}
