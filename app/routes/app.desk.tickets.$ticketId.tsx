import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { tenantCan } from "~/modules/auth/permissions";
import { cancelTicket, getForTenant, markSeen } from "~/modules/remotehands/tickets.server";
import { tenantActions } from "~/modules/remotehands/shared";
import { TicketBadge, TicketBody, TicketFacts, UrgentBadge } from "~/modules/remotehands/ui";
import { getDb } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { useT } from "~/components/i18n";
import { areaRefusal, tenantCancelAction } from "~/modules/servicedesk/cancel.server";

/** GET/POST /app/desk/tickets/:ticketId — one ticket as its organisation sees it: timeline, service level, time and amount; cancel while open. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "services:read");
  const db = await getDb();
  const ticket = await getForTenant(db, { orgId: user.orgId, ticketId: params.ticketId ?? "" });
  if (!ticket) notFound();
  // What the operators posted until now has been seen (the desk's attention count).
  await markSeen(db, { orgId: user.orgId, ticketId: ticket.id });
  return json({ ticket, canCancel: tenantActions(ticket.status).cancel && tenantCan(user.role, "desk:order") });
}

export const action = (args: ActionFunctionArgs) =>
  tenantCancelAction(args, {
    belongs: (db, user) => getForTenant(db, { orgId: user.orgId, ticketId: args.params.ticketId ?? "" }),
    cancel: (trx, actor) => cancelTicket(trx, { actor, ticketId: args.params.ticketId ?? "" }),
    refusal: areaRefusal("remotehands"),
    done: "remotehands.done.cancel",
  });

export default function TicketPage() {
  const { ticket, canCancel } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  return (
    <>
      <p>
        <Link to="/app/desk/tickets">← {tr("remotehands.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("remotehands.detail.title", { ref: ticket.ref })}</h1>
          <p className="muted">
            <strong>{ticket.site_code}</strong> · {ticket.site_name} · {tr(`remotehands.kind.${ticket.kind}`)} <UrgentBadge urgency={ticket.urgency} />
          </p>
        </div>
        <TicketBadge status={ticket.status} />
      </div>
      {data?.notice ? <Alert kind="success">{tr(data.notice)}</Alert> : null}
      {data?.formError ? <Alert>{tr(data.formError)}</Alert> : null}
      <div className="req-detail">
        <div>
          <TicketBody ticket={ticket} attachmentBase={`/app/desk/tickets/${ticket.id}/attachments`} />
        </div>
        <aside>
          <TicketFacts ticket={ticket} />
          {canCancel ? (
            <section className="card" aria-labelledby="rh-cancel">
              <h2 id="rh-cancel">{tr("remotehands.cancel.title")}</h2>
              <p className="hint">{tr("remotehands.cancel.hint")}</p>
              <Form method="post" onSubmit={(e) => (confirm(tr("remotehands.cancel.confirm")) ? undefined : e.preventDefault())}>
                <input type="hidden" name="intent" value="cancel" />
                <button className="btn btn--danger-ghost btn--block" disabled={navigation.state === "submitting"}>
                  {tr("remotehands.cancel.submit")}
                </button>
              </Form>
            </section>
          ) : null}
        </aside>
      </div>
    </>
  );
}
