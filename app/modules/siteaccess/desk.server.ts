/**
 * What site access gives the service desk's hub pages (types in servicedesk/desk.ts).
 *
 * - `visitDeskCounts`: for a tenant, `open` = its visits requested or approved from `today` on;
 *   `attention` = its visits refused in the last 7 days (decided on or after today − 7, a refusal
 *   to read before registering again) plus its current badge holders whose last valid day is within
 *   30 days (from today to today + 30: a badge to renew).
 * - `visitQueue`: for a site, the requested visits from `today` on whose window has not ended,
 *   soonest first (day, then window start), flagged when they are for `today`.
 */
import { sql, type RawBuilder } from "kysely";
import type { Executor } from "#db/types";
import type { DeskQueue } from "~/modules/servicedesk/desk";
import { runDeskCounts, type DeskCountsSql } from "~/modules/servicedesk/counts.server";

/** An organisation's visit and badge counts on `today` (a date, or an SQL date), as two scalar subqueries. */
export function visitCountsSql(orgId: string, today: string | RawBuilder<string>): DeskCountsSql {
  const day = typeof today === "string" ? sql`${today}::date` : today;
  return {
    open: sql<number>`(SELECT count(*)::integer FROM visits WHERE org_id = ${orgId} AND status IN ('requested', 'approved') AND visit_on >= ${day})`,
    attention: sql<number>`((SELECT count(*)::integer FROM visits WHERE org_id = ${orgId} AND status = 'refused' AND decided_at >= ${day} - 7)
      + (SELECT count(*)::integer FROM badge_holders WHERE org_id = ${orgId} AND revoked_at IS NULL AND valid_until BETWEEN ${day} AND ${day} + 30))`,
  };
}

export const visitDeskCounts = (db: Executor, orgId: string, today: string) => runDeskCounts(db, visitCountsSql(orgId, today));

export async function visitQueue(db: Executor, siteId: string, today: string, limit: number): Promise<DeskQueue> {
  const base = db
    .selectFrom("visits as v")
    .innerJoin("sites as s", "s.id", "v.site_id")
    .where("v.site_id", "=", siteId)
    .where("v.status", "=", "requested")
    .where("v.visit_on", ">=", today)
    .where(sql<boolean>`upper(visit_window(v)) >= now()`);
  const [total, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
    base
      .innerJoin("organisations as o", "o.id", "v.org_id")
      .select(["v.id", "v.visitor_name", "v.company", "v.visit_on", "o.name as org_name", sql<Date>`lower(visit_window(v))`.as("starts_at")])
      .orderBy("v.visit_on")
      .orderBy("v.window_start")
      .orderBy("v.id")
      .limit(Math.max(0, limit))
      .execute(),
  ]);
  return {
    total: Number(total.n),
    items: rows.map((r) => ({
      id: r.id,
      href: `/ops/desk/visits/${r.id}`,
      title: `${r.visitor_name} (${r.company})`,
      orgName: r.org_name,
      statusKey: "siteaccess.status.requested",
      at: new Date(r.starts_at).toISOString(),
      ...(r.visit_on === today ? { flagKey: "siteaccess.flag.today" as const } : {}),
    })),
  };
}
