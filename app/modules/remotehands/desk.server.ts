/**
 * What remote hands give the service desk's hub pages (types in servicedesk/desk.ts):
 * - the tenant's counts: open = not closed nor cancelled; attention = tickets with something from the
 *   operators (taken, an update, the close) that no member of the organisation has seen on the
 *   ticket's page yet, among those still open or closed in the last 7 days;
 * - a site's queue: open and taken tickets, urgent first, then oldest; flagged when urgent or when
 *   the service-level target is missed (still open past it, or taken late);
 * - the month's service levels per site, for /ops/desk.
 */
import { sql } from "kysely";
import type { Executor } from "#db/types";
import type { MessageKey } from "~/i18n";
import type { DeskQueue } from "~/modules/servicedesk/desk";
import { runDeskCounts, type DeskCountsSql } from "~/modules/servicedesk/counts.server";
import { serviceLevel } from "./shared";

/** Closed tickets stay in the tenant's attention count this many days after their close, while unseen. */
export const ATTENTION_DAYS = 7;

/** An organisation's ticket counts as two scalar subqueries, for the hub's one statement. */
export function ticketCountsSql(orgId: string, now = new Date()): DeskCountsSql {
  const since = new Date(now.getTime() - ATTENTION_DAYS * 86_400_000);
  return {
    open: sql<number>`(SELECT count(*)::integer FROM remote_hands_tickets t WHERE t.org_id = ${orgId} AND t.status IN ('open', 'taken'))`,
    attention: sql<number>`(SELECT count(*)::integer FROM remote_hands_tickets t
        WHERE t.org_id = ${orgId} AND (t.status = 'taken' OR (t.status = 'closed' AND t.closed_at >= ${since}))
          AND EXISTS (SELECT 1 FROM remote_hands_events e WHERE e.ticket_id = t.id AND e.kind IN ('taken', 'update', 'closed')
                      AND (t.tenant_seen_at IS NULL OR e.at > t.tenant_seen_at)))`,
  };
}

export const ticketDeskCounts = (db: Executor, orgId: string, now = new Date()) => runDeskCounts(db, ticketCountsSql(orgId, now));

export async function ticketQueue(db: Executor, siteId: string, limit: number, now = new Date()): Promise<DeskQueue> {
  const total = await db
    .selectFrom("remote_hands_tickets")
    .select(sql<number>`count(*)::integer`.as("n"))
    .where("site_id", "=", siteId)
    .where("status", "in", ["open", "taken"])
    .executeTakeFirstOrThrow();
  if (limit <= 0) return { total: Number(total.n), items: [] };
  const rows = await db
    .selectFrom("remote_hands_tickets as t")
    .innerJoin("organisations as o", "o.id", "t.org_id")
    .select(["t.id", "t.ref", "t.description", "t.kind", "t.urgency", "t.status", "t.opened_at", "t.taken_at", "t.target_minutes", "o.name as org_name"])
    .where("t.site_id", "=", siteId)
    .where("t.status", "in", ["open", "taken"])
    .orderBy(sql`(t.urgency = 'urgent')`, "desc")
    .orderBy("t.opened_at")
    .orderBy("t.id")
    .limit(Math.min(limit, 500))
    .execute();
  return {
    total: Number(total.n),
    items: rows.map((t) => {
      const sl = serviceLevel({ openedAt: t.opened_at, takenAt: t.taken_at, targetMinutes: t.target_minutes, status: t.status, now });
      const flagKey: MessageKey | undefined = sl.met === false ? "remotehands.flag.targetMissed" : t.urgency === "urgent" ? "remotehands.flag.urgent" : undefined;
      return {
        id: t.id,
        href: `/ops/desk/tickets/${t.id}`,
        title: titleOf(t.ref, t.description),
        orgName: t.org_name,
        statusKey: `remotehands.status.${t.status}` as MessageKey,
        at: new Date(t.opened_at).toISOString(),
        ...(flagKey ? { flagKey } : {}),
      };
    }),
  };
}

/** The queue's title: the reference and the start of the tenant's description (in the tenant's words). */
function titleOf(ref: string, description: string) {
  const line = description.split(/\r?\n/)[0].trim();
  return `${ref} · ${line.length > 60 ? `${line.slice(0, 59)}…` : line}`;
}

/**
 * The month's tickets per site (`period` YYYY-MM, months of each site's own calendar): tickets opened
 * that month (cancelled ones before being taken left out), how many are closed, and how many were
 * taken within their target.
 */
export async function ticketServiceLevels(db: Executor, period: string): Promise<{ siteCode: string; siteName: string; tickets: number; closed: number; met: number }[]> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) return [];
  const rows = await db
    .selectFrom("sites as s")
    .leftJoin("remote_hands_tickets as t", (j) =>
      j
        .onRef("t.site_id", "=", "s.id")
        .on(sql<boolean>`to_char(t.opened_at AT TIME ZONE s.time_zone, 'YYYY-MM') = ${period}`)
        .on(sql<boolean>`NOT (t.status = 'cancelled' AND t.taken_at IS NULL)`),
    )
    .select([
      "s.code",
      "s.name",
      sql<number>`count(t.id)::integer`.as("tickets"),
      sql<number>`count(t.id) FILTER (WHERE t.status = 'closed')::integer`.as("closed"),
      sql<number>`count(t.id) FILTER (WHERE t.taken_at IS NOT NULL AND t.taken_at <= t.opened_at + make_interval(mins => t.target_minutes))::integer`.as("met"),
    ])
    .groupBy(["s.id", "s.code", "s.name"])
    .orderBy("s.code")
    .execute();
  return rows.map((r) => ({ siteCode: r.code, siteName: r.name, tickets: Number(r.tickets), closed: Number(r.closed), met: Number(r.met) }));
}
