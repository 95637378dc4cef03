import { sql } from "kysely";
import type { Executor } from "#db/types";

/**
 * Fixed-window counters, one row per key, shared by every server process through the database.
 *
 * `hit` reserves a slot with a single atomic upsert and tells whether it is within the limit, so
 * concurrent requests are numbered 1, 2, 3… by the database itself: with a limit of 5, thirty
 * parallel attempts get exactly five "allowed" answers. The caller reserves *before* the work it
 * limits (checking a password, sending a mail) and may `release` the slot afterwards when the
 * attempt turns out not to count (a correct password).
 *
 * The numbers and why: docs/decisions/010-sign-in-limits.md.
 */
export interface Limit {
  /** Attempts allowed per window. */
  max: number;
  windowMs: number;
}

const MINUTE = 60_000;

export const LIMITS = {
  /** Wrong passwords for one account from one address: tight, and it locks out only that address. */
  signInPair: { max: 5, windowMs: 15 * MINUTE },
  /** Wrong passwords for one account from anywhere: loose, so a stranger cannot lock its owner out cheaply. */
  signInAccount: { max: 50, windowMs: 15 * MINUTE },
  /** Wrong passwords from one address, whatever the account (credential stuffing from one host). */
  signInAddress: { max: 20, windowMs: 15 * MINUTE },
  /** Wrong current passwords when changing one's password (a stolen session guessing the password). */
  passwordChange: { max: 5, windowMs: 15 * MINUTE },
  /** Forgot-password forms from one address. */
  forgotAddress: { max: 10, windowMs: 15 * MINUTE },
  /** Reset e-mails to one address (silently capped: the answer never changes). */
  forgotAccount: { max: 3, windowMs: 60 * MINUTE },
  /** Sign-ups from one address. */
  signUpAddress: { max: 10, windowMs: 60 * MINUTE },
  /** Public invoice verifications from one address: generous for a person, useless for enumeration. */
  verifyAddress: { max: 60, windowMs: 15 * MINUTE },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

export const limitKey = {
  signInPair: (email: string, ip: string) => `signin:pair:${email}|${ip}`,
  signInAccount: (email: string) => `signin:account:${email}`,
  signInAddress: (ip: string) => `signin:address:${ip}`,
  passwordChange: (userId: string) => `password:user:${userId}`,
  forgotAddress: (ip: string) => `forgot:address:${ip}`,
  forgotAccount: (email: string) => `forgot:account:${email}`,
  signUpAddress: (ip: string) => `signup:address:${ip}`,
  verifyAddress: (ip: string) => `verify:address:${ip}`,
};

/**
 * Count one attempt for `key` and say whether it is within `limit` (the n-th attempt of a window
 * is allowed while n ≤ max). A window starts with the first attempt after the previous one ended.
 */
export async function hit(db: Executor, key: string, limit: Limit, now = new Date()): Promise<{ allowed: boolean; hits: number; retryAt: Date }> {
  const windowStart = new Date(now.getTime() - limit.windowMs);
  const row = await db
    .insertInto("rate_limits")
    .values({ key, window_started_at: now, hits: 1 })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        window_started_at: sql<Date>`CASE WHEN rate_limits.window_started_at <= ${windowStart} THEN ${now} ELSE rate_limits.window_started_at END`,
        hits: sql<number>`CASE WHEN rate_limits.window_started_at <= ${windowStart} THEN 1 ELSE rate_limits.hits + 1 END`,
      }),
    )
    .returning(["hits", "window_started_at"])
    .executeTakeFirstOrThrow();
  const hits = Number(row.hits);
  return { allowed: hits <= limit.max, hits, retryAt: new Date(row.window_started_at.getTime() + limit.windowMs) };
}

/** Give back a slot reserved by `hit` (the attempt did not count, e.g. the password was right). */
export async function release(db: Executor, key: string) {
  await db
    .updateTable("rate_limits")
    .set({ hits: sql<number>`GREATEST(hits - 1, 0)` })
    .where("key", "=", key)
    .execute();
}

/** Forget a key altogether (a successful sign-in clears its account-and-address counter). */
export async function clear(db: Executor, key: string) {
  await db.deleteFrom("rate_limits").where("key", "=", key).execute();
}

/** The longest window of all: a counter older than this can no longer limit anything. */
export const LONGEST_WINDOW_MS = Math.max(...Object.values(LIMITS).map((l) => l.windowMs));

/** Delete the counters whose window has ended. Returns how many. */
export async function purgeRateLimits(db: Executor, now = new Date()): Promise<number> {
  const result = await db
    .deleteFrom("rate_limits")
    .where("window_started_at", "<=", new Date(now.getTime() - LONGEST_WINDOW_MS))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
