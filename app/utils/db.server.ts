import { sql } from "kysely";
import { getDb } from "#db/client.server";
import type { Trx } from "#db/types";

/**
 * Run a use-case in one transaction, opened at the edge (the action) as the conventions ask.
 * A deadlock or serialization failure (40P01/40001) rolled everything back: the use-case is run
 * once more in a new transaction; if it fails that way again, a 409 Response is thrown, which the
 * area's error boundary shows as "another operation was changing the same data — try again".
 */
export async function inTransaction<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
  const db = await getDb();
  try {
    return await db.transaction().execute(fn);
  } catch (error) {
    if (!isRetryableConflict(error)) throw error;
  }
  try {
    return await db.transaction().execute(fn);
  } catch (error) {
    if (isRetryableConflict(error)) throw conflictResponse();
    throw error;
  }
}

/** The answer to a write that lost a race twice: 409, with a localized message key. */
export function conflictResponse() {
  return new Response(JSON.stringify({ message: "errors.conflict" }), { status: 409, headers: { "Content-Type": "application/json; charset=utf-8" } });
}

export { getDb };

/** The SQLSTATE of a database error (pg and PGlite both carry `code`), or undefined. */
export function pgErrorCode(error: unknown): string | undefined {
  if (!error || typeof error !== "object") return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The constraint a database error names (unique, foreign key, check, exclusion), or undefined. */
export function pgConstraint(error: unknown): string | undefined {
  if (!error || typeof error !== "object") return undefined;
  const constraint = (error as { constraint?: unknown }).constraint;
  return typeof constraint === "string" ? constraint : undefined;
}

/**
 * Is this a unique violation (23505)? With `constraint`, only when that constraint (or index)
 * was the one violated. Inside a transaction a violation aborts it: use a savepoint
 * (`withSavepoint`) when the transaction must go on, or let the action answer 409.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (pgErrorCode(error) !== "23505") return false;
  return constraint === undefined || pgConstraint(error) === constraint;
}

/** Deadlock (40P01) or serialization failure (40001): nothing was written, the work may be retried. */
export function isRetryableConflict(error: unknown): boolean {
  const code = pgErrorCode(error);
  return code === "40P01" || code === "40001";
}

/**
 * Run `write` inside a savepoint of `trx`: when it throws, the savepoint is rolled back (the
 * transaction stays usable) and the error is rethrown for the caller to recognise
 * (e.g. `isUniqueViolation`).
 */
export async function withSavepoint<T>(trx: Trx, write: () => Promise<T>, name = "sp_write"): Promise<T> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error("invalid savepoint name");
  await sql.raw(`SAVEPOINT ${name}`).execute(trx);
  try {
    const value = await write();
    await sql.raw(`RELEASE SAVEPOINT ${name}`).execute(trx);
    return value;
  } catch (error) {
    await sql.raw(`ROLLBACK TO SAVEPOINT ${name}`).execute(trx);
    throw error;
  }
}

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

/**
 * Run a write whose refusals the database names (a trigger's or a constraint's error, mapped by the
 * area's `errorOf` to one of its codes): a named refusal becomes a result the caller returns (its
 * transaction is then rolled back by `inTransactionOrRollback`), anything else is rethrown.
 */
export async function refusalAsResult<T, E>(errorOf: (error: unknown) => E | null | undefined, write: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: E }> {
  try {
    return { ok: true, value: await write() };
  } catch (error) {
    const code = errorOf(error);
    if (code) return { ok: false, error: code };
    throw error;
  }
}
