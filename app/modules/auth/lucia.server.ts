import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from "lucia";
import { getDb } from "#db/client.server";
import { env } from "#db/env.server";
import type { Locale, OperatorRole, OrgStatus, TenantRole } from "#db/schema";
import { sha256 } from "./tokens.server";

/**
 * lucia v3 with our own Kysely adapter. The cookie carries the session token; the database
 * stores only its SHA-256, so a leaked `sessions` table cannot be replayed.
 *
 * lucia is no longer developed upstream (see docs/decisions/003-sessions-lucia.md): everything
 * lucia-specific stays in this file, behind `validateSessionToken` / `createSession` /
 * `invalidateSession(s)` in session.server.ts.
 */
export interface UserAttributes {
  email: string;
  name: string;
  locale: Locale;
  operator_role: OperatorRole | null;
  email_verified_at: Date | null;
  org_id: string | null;
  org_name: string | null;
  org_status: OrgStatus | null;
  role: TenantRole | null;
}

const adapter: Adapter = {
  async getSessionAndUser(token): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    const db = await getDb();
    const row = await db
      .selectFrom("sessions as s")
      .innerJoin("users as u", "u.id", "s.user_id")
      .leftJoin("memberships as m", "m.user_id", "u.id")
      .leftJoin("organisations as o", "o.id", "m.org_id")
      .select([
        "s.user_id",
        "s.expires_at",
        "u.email",
        "u.name",
        "u.locale",
        "u.operator_role",
        "u.email_verified_at",
        "m.org_id",
        "m.role",
        "o.name as org_name",
        "o.status as org_status",
      ])
      .where("s.id", "=", sha256(token))
      .executeTakeFirst();
    if (!row) return [null, null];
    const { user_id, expires_at, ...attributes } = row;
    return [
      { id: token, userId: user_id, expiresAt: expires_at, attributes: {} },
      { id: user_id, attributes },
    ];
  },
  async getUserSessions(userId) {
    const db = await getDb();
    const rows = await db.selectFrom("sessions").selectAll().where("user_id", "=", userId).execute();
    return rows.map((r) => ({ id: r.id, userId: r.user_id, expiresAt: r.expires_at, attributes: {} }));
  },
  async setSession(session) {
    const db = await getDb();
    await db
      .insertInto("sessions")
      .values({ id: sha256(session.id), user_id: session.userId, expires_at: session.expiresAt })
      .execute();
  },
  async updateSessionExpiration(token, expiresAt) {
    const db = await getDb();
    await db.updateTable("sessions").set({ expires_at: expiresAt }).where("id", "=", sha256(token)).execute();
  },
  async deleteSession(token) {
    const db = await getDb();
    await db.deleteFrom("sessions").where("id", "=", sha256(token)).execute();
  },
  async deleteUserSessions(userId) {
    const db = await getDb();
    await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
  },
  async deleteExpiredSessions() {
    const db = await getDb();
    await db.deleteFrom("sessions").where("expires_at", "<=", new Date()).execute();
  },
};

function secureCookies() {
  const { SESSION_SECURE, NODE_ENV } = env();
  return SESSION_SECURE === "auto" ? NODE_ENV === "production" : SESSION_SECURE === "true";
}

/** How long a session lives without use (lucia extends a session used in the second half of its life). */
export const SESSION_LIFETIME = new TimeSpan(14, "d");

export const lucia = new Lucia(adapter, {
  sessionExpiresIn: SESSION_LIFETIME,
  sessionCookie: {
    name: "colo_session",
    // The cookie lives exactly as long as the server-side session (Max-Age = 14 days, not lucia's
    // 400-day default for `expires: false`); when lucia slides the session forward, the root
    // loader sends the cookie again with the new lifetime (see `currentSession`).
    expires: true,
    attributes: { secure: secureCookies(), sameSite: "lax" },
  },
  getUserAttributes: (attributes) => attributes,
});

declare module "lucia" {
  interface Register {
    Lucia: typeof lucia;
    DatabaseUserAttributes: UserAttributes;
  }
}
