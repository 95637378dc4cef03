import type { Kysely } from "kysely";
import { getDb } from "#db/client.server";
import type { Database } from "#db/schema";
import type { Executor } from "#db/types";
import { startLoop } from "~/utils/loop.server";
import { purgeRateLimits } from "./rate-limits.server";

/** Used or expired one-time tokens are kept this long (to answer "link already used" meanwhile), then deleted. */
const TOKEN_RETENTION_MS = 7 * 24 * 3600_000;

/**
 * Delete what can no longer authenticate anyone: expired sessions, rate-limit counters whose
 * window has ended, and one-time tokens (verification, reset) expired or used more than a week ago.
 * Safe to run from several processes at once.
 */
export async function purgeExpiredAuthData(db: Executor, now = new Date()) {
  const sessions = await db.deleteFrom("sessions").where("expires_at", "<=", now).executeTakeFirst();
  const rateLimits = await purgeRateLimits(db, now);
  const before = new Date(now.getTime() - TOKEN_RETENTION_MS);
  const tokens = await db
    .deleteFrom("user_tokens")
    .where((eb) => eb.or([eb("expires_at", "<=", before), eb("used_at", "<=", before)]))
    .executeTakeFirst();
  return { sessions: Number(sessions.numDeletedRows), rateLimits, tokens: Number(tokens.numDeletedRows) };
}

/**
 * The server's schedule: once a minute after start, then every `intervalMs` (an hour by default).
 * Errors are logged, never thrown. Returns `stop`.
 */
export function startAuthHousekeeping(opts: { intervalMs?: number; db?: () => Promise<Kysely<Database>> } = {}) {
  const intervalMs = opts.intervalMs ?? 3600_000;
  return startLoop(
    "housekeeping",
    intervalMs,
    async () => {
      const purged = await purgeExpiredAuthData(await (opts.db ?? getDb)());
      if (purged.sessions || purged.rateLimits || purged.tokens) {
        console.info(`[housekeeping] purged ${purged.sessions} expired sessions, ${purged.rateLimits} rate-limit counters, ${purged.tokens} old tokens`);
      }
    },
    { firstAfterMs: Math.min(60_000, intervalMs) },
  );
}
