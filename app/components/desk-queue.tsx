import { Link } from "@remix-run/react";
import type { DeskQueueItem } from "~/modules/servicedesk/desk";
import { useFormat, useT } from "~/components/i18n";

/** One of a site's service-desk queues (tickets, visits, deliveries) as a table: item, organisation, state, date. */
export function DeskQueueTable({ items, caption, timeZone }: { items: DeskQueueItem[]; caption: string; timeZone: string }) {
  const tr = useT();
  const format = useFormat();
  if (!items.length) return <p className="muted">{tr("servicedesk.site.empty")}</p>;
  return (
    <div className="table-scroll">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{tr("servicedesk.col.item")}</th>
            <th scope="col">{tr("servicedesk.col.org")}</th>
            <th scope="col">{tr("servicedesk.col.status")}</th>
            <th scope="col">{tr("servicedesk.col.at")}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id}>
              <td>
                <Link to={item.href}>{item.title}</Link>
                {item.flagKey ? (
                  <>
                    {" "}
                    <span className="badge badge--pending">{tr(item.flagKey)}</span>
                  </>
                ) : null}
              </td>
              <td>{item.orgName}</td>
              <td>{tr(item.statusKey)}</td>
              <td>{item.at.length === 10 ? format.date(item.at) : format.dateTime(item.at, timeZone)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
