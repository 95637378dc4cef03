import type { Locale } from "~/i18n";
import type { TenantRole } from "#db/schema";
import type { Executor } from "#db/types";
import { env } from "#db/env.server";
import { OPERATOR_ROLES, operatorCan, type OperatorPermission } from "~/modules/auth/permissions";

/** Someone a message goes to, in their own language. */
export interface Recipient {
  userId: string;
  email: string;
  name: string;
  locale: Locale;
}

/**
 * The members of an organisation who answer for it: its owners and admins (the roles that may
 * manage members and commit the organisation), ordered by address.
 */
export async function orgManagers(db: Executor, orgId: string, roles: readonly TenantRole[] = ["owner", "admin"]): Promise<Recipient[]> {
  return db
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select(["u.id as userId", "u.email", "u.name", "u.locale"])
    .where("m.org_id", "=", orgId)
    .where("m.role", "in", [...roles])
    .orderBy("u.email")
    .execute();
}

/**
 * Where billing messages (invoices, payments, reminders) go: the organisation's billing address and
 * its owners' and billing members' addresses, lower-cased, each once.
 */
export async function billingAddresses(db: Executor, orgId: string, billingEmail: string): Promise<string[]> {
  const members = await orgManagers(db, orgId, ["owner", "billing"]);
  return [...new Set([billingEmail, ...members.map((m) => m.email)].map((a) => a.trim().toLowerCase()).filter(Boolean))];
}

/**
 * The operators whose role holds `permission` (from the one permission table), ordered by
 * address: those who can act on what the message is about.
 */
export async function operatorsWhoCan(db: Executor, permission: OperatorPermission): Promise<Recipient[]> {
  const roles = OPERATOR_ROLES.filter((r) => operatorCan(r, permission));
  if (roles.length === 0) return [];
  return db
    .selectFrom("users as u")
    .select(["u.id as userId", "u.email", "u.name", "u.locale"])
    .where("u.operator_role", "in", roles)
    .orderBy("u.email")
    .execute();
}

/** One message per address, whoever appears in several lists (an owner who also made the request). */
export function uniqueRecipients(...lists: (Recipient | undefined | null)[][]): Recipient[] {
  const seen = new Set<string>();
  const out: Recipient[] = [];
  for (const r of lists.flat()) {
    if (!r || seen.has(r.email.toLowerCase())) continue;
    seen.add(r.email.toLowerCase());
    out.push(r);
  }
  return out;
}

/** A request's author, while they still belong to the organisation (a member who left hears nothing more of it). */
export async function authorStillMember(db: Executor, orgId: string, userId: string): Promise<Recipient | undefined> {
  return db
    .selectFrom("users as u")
    .innerJoin("memberships as m", "m.user_id", "u.id")
    .select(["u.id as userId", "u.email", "u.name", "u.locale"])
    .where("u.id", "=", userId)
    .where("m.org_id", "=", orgId)
    .executeTakeFirst();
}

/**
 * The absolute base of links in an e-mail: the caller's (a route passes `baseUrl(request)`), else
 * the configured one (`APP_URL`, or the local port in development) — never a request's Host.
 */
export function linkBase(baseUrl?: string): string {
  if (baseUrl) return baseUrl.replace(/\/+$/, "");
  const { APP_URL, PORT } = env();
  return APP_URL ? APP_URL.replace(/\/+$/, "") : `http://localhost:${PORT}`;
}
