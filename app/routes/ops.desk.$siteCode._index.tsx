import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { siteDesk } from "~/modules/servicedesk/hub.server";
import { getDb } from "~/utils/db.server";
import { DeskQueueTable } from "~/components/desk-queue";
import { useFormat, useT } from "~/components/i18n";

/** GET /ops/desk/<site> — one site's desk: the remote-hands queue, the visits to approve and the parcels expected or in store. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request, "orgs:read");
  const desk = await siteDesk(await getDb(), params.siteCode ?? "");
  if (!desk) throw new Response("Not found", { status: 404 });
  return json(desk);
}

const QUEUES = [
  { key: "tickets", path: "tickets" },
  { key: "visits", path: "visits" },
  { key: "deliveries", path: "deliveries" },
] as const;

export default function SiteDeskPage() {
  const desk = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  const base = `/ops/desk/${desk.site.code}`;
  return (
    <>
      <p>
        <Link to="/ops/desk">← {tr("servicedesk.site.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("servicedesk.site.title", { site: desk.site.name })}</h1>
          <p className="muted">{tr("servicedesk.site.lead", { date: format.date(desk.site.today) })}</p>
        </div>
        <div>
          <Link className="btn btn--small btn--secondary" to={`${base}/security-list?day=${desk.site.today}`}>
            {tr("servicedesk.site.securityList")}
          </Link>{" "}
          <Link className="btn btn--small btn--secondary" to={`${base}/badges`}>
            {tr("servicedesk.site.badges")}
          </Link>
        </div>
      </div>
      {QUEUES.map((q) => {
        const queue = desk[q.key];
        const title = tr(`servicedesk.${q.key}.title`);
        return (
          <section key={q.key} className="card" aria-labelledby={`queue-${q.key}`}>
            <h2 id={`queue-${q.key}`}>
              {title} <span className="muted small">({tr("servicedesk.site.queueCount", { count: queue.total })})</span>
            </h2>
            <DeskQueueTable items={queue.items} caption={title} timeZone={desk.site.timeZone} />
            <p>
              <Link to={`${base}/${q.path}`}>{tr("servicedesk.site.seeAll")}</Link>
            </p>
          </section>
        );
      })}
    </>
  );
}
