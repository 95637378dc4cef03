import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { RequestableKind } from "#db/schema";
import { requireOperator } from "~/modules/auth/session.server";
import { requestQueue, shortRef } from "~/modules/requests/requests.server";
import { pendingChanges } from "~/modules/requests/contracts.server";
import { listAudit } from "~/modules/audit/audit.server";
import { REQUESTABLE_KINDS } from "~/modules/requests/quote";
import { getDb } from "~/utils/db.server";
import { listForOperators } from "~/modules/crossconnects/orders.server";
import { CrossConnectQueue } from "~/components/cross-connects";
import { StatusBadge } from "~/components/shell";
import { useFormat, useLocale, useT } from "~/components/i18n";
import type { Locale } from "~/i18n";

/** "rack_unit:10,power_commit_kw:2" (from the queue query) → lines in the request form's order. */
function parseLines(text: string | null) {
  const lines = (text ?? "")
    .split(",")
    .map((part) => part.split(":"))
    .filter((p): p is [RequestableKind, string] => p.length === 2 && (REQUESTABLE_KINDS as readonly string[]).includes(p[0]))
    .map(([kind, quantity]) => ({ kind, quantity: Number(quantity) }));
  return lines.sort((a, b) => REQUESTABLE_KINDS.indexOf(a.kind) - REQUESTABLE_KINDS.indexOf(b.kind));
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "orgs:read");
  const db = await getDb();
  const [queue, changes, audit, crossConnects] = await Promise.all([requestQueue(db), pendingChanges(db), listAudit(db, { page: 1, pageSize: 40, entityType: "request" }), listForOperators(db)]);
  const now = Date.now();
  return json({
    crossConnects,
    requests: queue.map((r) => ({
      id: r.id,
      ref: shortRef(r.id),
      createdAt: r.created_at,
      ageMinutes: Math.max(0, Math.floor((now - new Date(r.created_at).getTime()) / 60_000)),
      desiredStartOn: r.desired_start_on,
      termMonths: r.term_months,
      siteCode: r.site_code,
      orgName: r.org_name,
      orgKind: r.org_kind,
      lines: parseLines(r.lines),
    })),
    changes: changes.map((c) => ({
      id: c.id,
      contractId: c.contract_id,
      contractRef: shortRef(c.contract_id),
      kind: c.kind,
      requestedEndOn: c.requested_end_on,
      effectiveOn: c.effective_on,
      // Amendments are handled on their own page (resources to assign); terminations on the contract's.
      url: c.kind === "amendment" ? `/ops/amendments/${c.id}` : `/ops/contracts/${c.contract_id}#changes`,
      requestedAt: c.requested_at,
      orgName: c.org_name,
      siteCode: c.site_code,
    })),
    recent: audit.rows
      .filter((a) => a.action === "request.approved" || a.action === "request.rejected")
      .slice(0, 10)
      .map((a) => ({ id: a.id, requestId: a.entity_id, ref: shortRef(a.entity_id), decision: a.action === "request.approved" ? ("approved" as const) : ("rejected" as const), at: a.at, by: a.actor_email })),
  });
}

/** "3 days ago" from a number of minutes computed on the server (same text on server and browser). */
function age(minutes: number, locale: Locale) {
  const rtf = new Intl.RelativeTimeFormat(locale === "fr" ? "fr-FR" : "en-US", { numeric: "auto" });
  if (minutes < 60) return rtf.format(-minutes, "minute");
  if (minutes < 48 * 60) return rtf.format(-Math.floor(minutes / 60), "hour");
  return rtf.format(-Math.round(minutes / (24 * 60)), "day");
}

function useAskedFor() {
  const tr = useT();
  const format = useFormat();
  return (lines: { kind: RequestableKind; quantity: number }[]) =>
    lines.length ? lines.map((l) => tr(`approvals.ask.${l.kind}`, { n: l.quantity })).join(" · ") : tr("approvals.ask.nothing");
}

export default function ApprovalQueue() {
  const { requests, changes, crossConnects, recent } = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  const locale = useLocale();
  const askedFor = useAskedFor();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("approvals.queue.title")}</h1>
          <p className="muted">{tr("approvals.queue.intro")}</p>
        </div>
      </div>

      <section className="card" aria-labelledby="queue-title">
        <h2 id="queue-title">{tr("approvals.queue.pending", { count: requests.length })}</h2>
        {requests.length === 0 ? (
          <p className="muted">{tr("approvals.queue.empty")}</p>
        ) : (
          <ul className="approval-queue">
            {requests.map((r) => (
              <li key={r.id}>
                <Link to={`/ops/requests/${r.id}`} className="approval-item">
                  <span className="approval-item-head">
                    <strong>{r.orgName}</strong>
                    <span className="badge">{tr(`approvals.kindShort.${r.orgKind}`)}</span>
                    <span className="badge badge--site">{r.siteCode}</span>
                    <span className="mono muted small">{r.ref}</span>
                  </span>
                  <span className="approval-item-asked">{askedFor(r.lines)}</span>
                  <span className="approval-item-meta small">
                    <span>
                      {tr("approvals.queue.startValue", { date: format.date(r.desiredStartOn), term: tr("requests.termValue", { months: r.termMonths }) })}
                    </span>
                    <span className={r.ageMinutes >= 2 * 24 * 60 ? "approval-age approval-age--late" : "approval-age"} title={format.dateTime(r.createdAt)}>
                      {age(r.ageMinutes, locale)}
                      {r.ageMinutes >= 2 * 24 * 60 ? ` · ${tr("approvals.overdue")}` : ""}
                    </span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-labelledby="changes-title">
        <h2 id="changes-title">{tr("approvals.changes.title", { count: changes.length })}</h2>
        {changes.length === 0 ? (
          <p className="muted">{tr("approvals.changes.empty")}</p>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>{tr("approvals.col.tenant")}</th>
                  <th>{tr("approvals.col.change")}</th>
                  <th className="hide-sm">{tr("approvals.col.contract")}</th>
                  <th>{tr("approvals.col.lastDay")}</th>
                  <th className="hide-sm">{tr("approvals.col.requested")}</th>
                  <th className="hide-sm"><span className="visually-hidden">{tr("common.actions")}</span></th>
                </tr>
              </thead>
              <tbody>
                {changes.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={c.url}>
                        <strong>{c.orgName}</strong>
                      </Link>{" "}
                      <span className="muted small">{c.siteCode}</span>
                    </td>
                    <td>{tr(`requests.change.${c.kind}`)}</td>
                    <td className="hide-sm mono">{c.contractRef}</td>
                    <td className="nowrap">
                      {c.requestedEndOn ? tr("requests.change.lastDay", { date: format.date(c.requestedEndOn) }) : c.effectiveOn ? tr("amendments.fromDate", { date: format.date(c.effectiveOn) }) : tr("common.none")}
                    </td>
                    <td className="hide-sm nowrap">{format.date(c.requestedAt)}</td>
                    <td className="actions hide-sm">
                      <Link className="btn btn--small btn--secondary" to={c.url}>
                        {tr("approvals.changes.handle")}
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <CrossConnectQueue orders={crossConnects} />

      <section className="card" aria-labelledby="recent-title">
        <h2 id="recent-title">{tr("approvals.recent.title")}</h2>
        {recent.length === 0 ? (
          <p className="muted">{tr("approvals.recent.empty")}</p>
        ) : (
          <ul className="list recent-list">
            {recent.map((d) => (
              <li key={d.id}>
                <span>
                  <Link to={`/ops/requests/${d.requestId}`} className="mono">
                    {d.ref}
                  </Link>{" "}
                  <StatusBadge status={d.decision} label={tr(`approvals.recent.${d.decision}`)} />
                </span>
                <span className="muted small">
                  {format.dateTime(d.at)}
                  {d.by ? ` · ${tr("approvals.recent.by", { who: d.by })}` : ""}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
