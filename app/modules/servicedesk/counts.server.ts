import type { RawBuilder } from "kysely";
import type { Executor } from "#db/types";
import type { TenantDeskCounts } from "./desk";

/**
 * A tenant's counts of one service-desk area as two scalar subqueries: each area owns its rules,
 * and the hub asks all three (and the day they depend on) in one statement — the navigation's badge
 * is on every tenant page.
 */
export interface DeskCountsSql {
  open: RawBuilder<number>;
  attention: RawBuilder<number>;
}

/** One area's counts on their own (its pages and tests). */
export async function runDeskCounts(db: Executor, counts: DeskCountsSql): Promise<TenantDeskCounts> {
  const row = await db.selectNoFrom([counts.open.as("open"), counts.attention.as("attention")]).executeTakeFirstOrThrow();
  return { open: Number(row.open), attention: Number(row.attention) };
}
