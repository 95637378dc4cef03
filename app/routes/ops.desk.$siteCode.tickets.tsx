import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { siteQueue } from "~/modules/remotehands/tickets.server";
import { TicketTable } from "~/modules/remotehands/ui";
import { getDb } from "~/utils/db.server";
import { useT } from "~/components/i18n";

/** GET /ops/desk/:siteCode/tickets — the site's remote-hands queue: urgent first, then oldest; the latest finished below. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request, "orgs:read");
  const queue = await siteQueue(await getDb(), { siteCode: params.siteCode ?? "" });
  if (!queue) notFound();
  return json(queue);
}

export default function SiteTickets() {
  const { site, tickets, recent } = useLoaderData<typeof loader>();
  const tr = useT();
  return (
    <>
      <p>
        <Link to={`/ops/desk/${site.code}`}>← {tr("remotehands.backDesk")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("remotehands.ops.queueTitle", { site: site.name })}</h1>
          <p className="muted">{tr("remotehands.ops.queueLead")}</p>
        </div>
      </div>
      <section className="card" aria-labelledby="rh-queue">
        <h2 id="rh-queue" className="visually-hidden">
          {tr("remotehands.ops.queueTitle", { site: site.name })}
        </h2>
        {tickets.length === 0 ? (
          <p className="muted">{tr("remotehands.ops.queueEmpty")}</p>
        ) : (
          <TicketTable tickets={tickets} base="/ops/desk/tickets" showOrg caption={tr("remotehands.ops.queueTitle", { site: site.name })} />
        )}
      </section>
      {recent.length ? (
        <section className="card" aria-labelledby="rh-recent">
          <h2 id="rh-recent">{tr("remotehands.ops.recent")}</h2>
          <TicketTable tickets={recent} base="/ops/desk/tickets" showOrg caption={tr("remotehands.ops.recent")} />
        </section>
      ) : null}
    </>
  );
}
