import { sql } from "kysely";
import { getDb } from "#db/client.server";
import type { Trx } from "#db/types";

/** Run a use-case in one transaction, opened at the edge (the action) as the conventions ask. */
export async function inTransaction<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
  return (await getDb()).transaction().execute(fn);
}

export { getDb };

/** Can the server reach its database? (GET /healthz) */
export async function databaseReachable() {
  try {
    await sql`select 1`.execute(await getDb());
    return true;
  } catch {
    return false;
  }
}

class Rollback<T> extends Error {
  constructor(readonly result: T) {
    super("rollback");
  }
}

/**
 * Run a use-case that answers `{ ok: false, … }` for expected failures in one transaction, and roll
 * the whole transaction back when it does: an expected failure writes nothing.
 */
export async function inTransactionOrRollback<T extends { ok: boolean }>(fn: (trx: Trx) => Promise<T>): Promise<T> {
  try {
    return await inTransaction(async (trx) => {
      const result = await fn(trx);
      if (!result.ok) throw new Rollback(result);
      return result;
    });
  } catch (error) {
    if (error instanceof Rollback) return error.result as T;
    throw error;
  }
}
