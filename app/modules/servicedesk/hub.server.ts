import type { Executor } from "#db/types";
import { sql } from "kysely";
import { deliveryCountsSql, deliveryQueue } from "~/modules/deliveries/desk.server";
import { ticketCountsSql, ticketQueue, ticketServiceLevels } from "~/modules/remotehands/desk.server";
import { visitCountsSql, visitQueue } from "~/modules/siteaccess/desk.server";
import { siteToday } from "~/utils/dates";
import { writeGeneration } from "#db/client.server";
import type { DeskQueue, TenantDeskCounts } from "./desk";

/**
 * The service desk's two hub pages, put together from its three areas (remote hands, site access,
 * deliveries), each of which owns its own rules and queries.
 * - The tenant's hub and the badge in its navigation: per area, what is open and what waits for it,
 *   in one statement (it is on every tenant page). An organisation may hold space at sites in
 *   several time zones: its "today" for these counts is the earliest of its sites' local days (UTC
 *   when it has none), so nothing of today is missed.
 * - The operators' per-site desk: the three queues of one site, on the site's local day.
 */

export interface TenantDesk {
  tickets: TenantDeskCounts;
  visits: TenantDeskCounts;
  deliveries: TenantDeskCounts;
  /** The sum of the three `attention` counts: the navigation's badge. */
  attention: number;
}

export async function tenantDesk(db: Executor, orgId: string, now = new Date()): Promise<TenantDesk> {
  const today = sql<string>`today.d`;
  const areas = { tickets: ticketCountsSql(orgId, now), visits: visitCountsSql(orgId, today), deliveries: deliveryCountsSql(orgId) };
  const row = await db
    .selectFrom(
      sql`(SELECT coalesce(min((${now}::timestamptz AT TIME ZONE s.time_zone)::date), (${now}::timestamptz AT TIME ZONE 'UTC')::date) AS d
             FROM contracts c JOIN sites s ON s.id = c.site_id WHERE c.org_id = ${orgId})`.as("today"),
    )
    .select([
      areas.tickets.open.as("tickets_open"),
      areas.tickets.attention.as("tickets_attention"),
      areas.visits.open.as("visits_open"),
      areas.visits.attention.as("visits_attention"),
      areas.deliveries.open.as("deliveries_open"),
      areas.deliveries.attention.as("deliveries_attention"),
    ])
    .executeTakeFirstOrThrow();
  const counts = (open: number, attention: number): TenantDeskCounts => ({ open: Number(open), attention: Number(attention) });
  const tickets = counts(row.tickets_open, row.tickets_attention);
  const visits = counts(row.visits_open, row.visits_attention);
  const deliveries = counts(row.deliveries_open, row.deliveries_attention);
  return { tickets, visits, deliveries, attention: tickets.attention + visits.attention + deliveries.attention };
}

const BADGE_MS = 5_000;
const badges = new Map<string, { attention: number; generation: number; until: number }>();

/**
 * The navigation's badge (`tenantDesk(…).attention`), on every tenant page: kept per organisation
 * for `BADGE_MS` in this process, as badges are, and dropped as soon as this process writes to the
 * database (`writeGeneration`): a member reading a ticket, or an operator here taking one, shows at
 * once; a change made by another server process shows within `BADGE_MS`. The desk's own hub page
 * always counts afresh (`tenantDesk`).
 */
export async function deskBadge(db: Executor, orgId: string): Promise<number> {
  const generation = writeGeneration();
  const kept = badges.get(orgId);
  if (kept && kept.generation === generation && kept.until > Date.now()) return kept.attention;
  const { attention } = await tenantDesk(db, orgId);
  if (badges.size >= 10_000) badges.clear();
  badges.set(orgId, { attention, generation, until: Date.now() + BADGE_MS });
  return attention;
}

export interface SiteDesk {
  site: { id: string; code: string; name: string; timeZone: string; today: string };
  tickets: DeskQueue;
  visits: DeskQueue;
  deliveries: DeskQueue;
}

const QUEUE_LENGTH = 8;

/** The three queues of a site (its code, as in URLs), or null for an unknown site. */
export async function siteDesk(db: Executor, siteCode: string, now = new Date()): Promise<SiteDesk | null> {
  const site = await db.selectFrom("sites").select(["id", "code", "name", "time_zone"]).where("code", "=", siteCode).executeTakeFirst();
  if (!site) return null;
  const today = siteToday(site.time_zone, now);
  const [tickets, visits, deliveries] = await Promise.all([
    ticketQueue(db, site.id, QUEUE_LENGTH),
    visitQueue(db, site.id, today, QUEUE_LENGTH),
    deliveryQueue(db, site.id, today, QUEUE_LENGTH),
  ]);
  return { site: { id: site.id, code: site.code, name: site.name, timeZone: site.time_zone, today }, tickets, visits, deliveries };
}

export interface DeskOverviewSite {
  code: string;
  name: string;
  tickets: number;
  visits: number;
  deliveries: number;
}

/** Every site with the size of its three queues, and the month's remote-hands service levels per site. */
export async function deskOverview(db: Executor, period: string, now = new Date()) {
  const sites = await db.selectFrom("sites").select(["id", "code", "name", "time_zone"]).orderBy("code").execute();
  const queues: DeskOverviewSite[] = await Promise.all(
    sites.map(async (s) => {
      const today = siteToday(s.time_zone, now);
      const [tickets, visits, deliveries] = await Promise.all([ticketQueue(db, s.id, 0), visitQueue(db, s.id, today, 0), deliveryQueue(db, s.id, today, 0)]);
      return { code: s.code, name: s.name, tickets: tickets.total, visits: visits.total, deliveries: deliveries.total };
    }),
  );
  return { sites: queues, serviceLevels: await ticketServiceLevels(db, period) };
}
