import { sql } from "kysely";
import type { Executor } from "#db/types";
import { lastDayOf } from "~/modules/billing/compute";

/**
 * A contract's committed bandwidth over a month (`YYYY-MM`, its site's calendar), weighted by day
 * across its line versions (ADR 015): exact decimal string ("154.83871"). The rule lives in the
 * database function `contract_commit_mbps`, which the billing run and the site's usage read too.
 */
export async function contractCommitMbps(db: Executor, contractId: string, month: string): Promise<string> {
  const { rows } = await sql<{ mbps: string }>`SELECT ${contractCommitSql(contractId, month)} AS mbps`.execute(db);
  return rows[0]?.mbps ?? "0";
}

/** `contractCommitMbps` as an SQL expression (text), for a statement that reads it with other things. */
export const contractCommitSql = (contractId: string, month: string) =>
  sql<string>`contract_commit_mbps(${contractId}, ${`${month}-01`}::date, ${lastDayOf(month)}::date)::text`;
