/**
 * What the service desk's hub pages read from deliveries (types in modules/servicedesk/desk.ts):
 * the tenant's counts and a site's queue for the operators.
 */
import { sql } from "kysely";
import type { Executor } from "#db/types";
import type { MessageKey } from "~/i18n";
import type { DeskQueue } from "~/modules/servicedesk/desk";
import { runDeskCounts, type DeskCountsSql } from "~/modules/servicedesk/counts.server";
import { deliveryRef, keptTooLong } from "./shared";

/**
 * An organisation's deliveries: `open` = announced, received or stored (not delivered, collected or
 * cancelled); `attention` = those waiting at a site for the tenant (received or stored). A flagged
 * one (kept beyond the site's days) is always one of them, so it is counted whatever the day.
 */
export function deliveryCountsSql(orgId: string): DeskCountsSql {
  return {
    open: sql<number>`(SELECT count(*)::integer FROM deliveries d WHERE d.org_id = ${orgId} AND d.status IN ('announced', 'received', 'stored'))`,
    attention: sql<number>`(SELECT count(*)::integer FROM deliveries d WHERE d.org_id = ${orgId} AND d.status IN ('received', 'stored'))`,
  };
}

export const deliveryDeskCounts = (db: Executor, orgId: string) => runDeskCounts(db, deliveryCountsSql(orgId));

/**
 * A site's delivery queue on its local `today`: deliveries announced for today or earlier (expected
 * day first), then those waiting at the site (received first), each flagged when kept too long.
 */
export async function deliveryQueue(db: Executor, siteId: string, today: string, limit: number): Promise<DeskQueue> {
  const where = sql<boolean>`d.site_id = ${siteId} AND ((d.status = 'announced' AND d.expected_on <= ${today}::date) OR d.status IN ('received', 'stored'))`;
  const [count, rows] = await Promise.all([
    db.selectFrom("deliveries as d").select(sql<number>`count(*)::int`.as("n")).where(where).executeTakeFirstOrThrow(),
    db
      .selectFrom("deliveries as d")
      .innerJoin("sites as s", "s.id", "d.site_id")
      .innerJoin("organisations as o", "o.id", "d.org_id")
      .select(["d.id", "d.status", "d.carrier", "d.tracking_number", "d.expected_on", "d.received_on", "d.received_at", "s.parcel_keep_days", "o.name as org_name"])
      .where(where)
      .orderBy(sql`d.status = 'announced'`, "desc")
      .orderBy(sql`coalesce(d.received_on, d.expected_on)`)
      .orderBy("d.announced_at")
      .orderBy("d.id")
      .limit(Math.max(0, limit))
      .execute(),
  ]);
  return {
    total: Number(count.n),
    items: rows.map((r) => ({
      id: r.id,
      href: `/ops/desk/deliveries/${r.id}`,
      title: `${r.carrier} · ${r.tracking_number} (${deliveryRef(r.id)})`,
      orgName: r.org_name,
      statusKey: `deliveries.status.${r.status}` as MessageKey,
      at: r.received_at ? new Date(r.received_at).toISOString() : `${r.expected_on}T00:00:00.000Z`,
      flagKey: keptTooLong(r, r.parcel_keep_days, today) ? ("deliveries.flag.keptTooLong" as MessageKey) : undefined,
    })),
  };
}
