import { getDb } from "#db/client.server";
import type { Trx } from "#db/types";

/** Run a use-case in one transaction, opened at the edge (the action) as the conventions ask. */
export async function inTransaction<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
  return (await getDb()).transaction().execute(fn);
}

export { getDb };
