import type { Kysely } from "kysely";
import type { Database, Locale } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { recordAudit } from "~/modules/audit/audit.server";
import type { SignUpInput } from "~/modules/orgs/schemas.server";
import { hashPassword, verifyPassword } from "./password.server";
import { newToken, sha256 } from "./tokens.server";

const HOUR = 3600_000;
const VERIFY_TTL = 24 * HOUR;
const RESET_TTL = 1 * HOUR;

export async function emailTaken(db: Executor, email: string) {
  return Boolean(await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst());
}

/** Sign-up: the organisation (pending), its owner (unverified) and the verification e-mail, in one transaction. */
export async function signUp(
  trx: Trx,
  input: SignUpInput,
  ctx: { baseUrl: string; ip?: string },
): Promise<{ ok: true; userId: string; orgId: string } | { ok: false; error: "email_taken" }> {
  if (await emailTaken(trx, input.email)) return { ok: false, error: "email_taken" };
  const passwordHash = await hashPassword(input.password);
  const org = await trx
    .insertInto("organisations")
    .values({
      name: input.orgName,
      kind: input.orgKind,
      tax_id: input.taxId,
      rccm: input.rccm ?? null,
      billing_email: input.billingEmail,
      address: input.address,
      country: input.country,
      is_vat_exempt: false,
      payment_terms_days: input.orgKind === "agency" ? 60 : 30,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const user = await trx
    .insertInto("users")
    .values({ email: input.email, name: input.name, password_hash: passwordHash, locale: input.locale, operator_role: null, email_verified_at: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx.insertInto("memberships").values({ org_id: org.id, user_id: user.id, role: "owner" }).execute();
  await recordAudit(trx, {
    actor: { id: user.id, email: input.email, ip: ctx.ip },
    action: "org.signed_up",
    entityType: "organisation",
    entityId: org.id,
    orgId: org.id,
    after: { name: input.orgName, kind: input.orgKind, tax_id: input.taxId, country: input.country },
  });
  await sendVerification(trx, { id: user.id, email: input.email, name: input.name, locale: input.locale }, ctx.baseUrl);
  return { ok: true, userId: user.id, orgId: org.id };
}

async function issueUserToken(db: Executor, userId: string, purpose: "verify_email" | "reset_password", ttl: number) {
  // A new link replaces the previous ones.
  await db.updateTable("user_tokens").set({ used_at: new Date() }).where("user_id", "=", userId).where("purpose", "=", purpose).where("used_at", "is", null).execute();
  const { token, hash } = newToken();
  await db.insertInto("user_tokens").values({ token_hash: hash, user_id: userId, purpose, expires_at: new Date(Date.now() + ttl) }).execute();
  return token;
}

export async function sendVerification(
  db: Executor,
  user: { id: string; email: string; name: string; locale: Locale },
  baseUrl: string,
) {
  const token = await issueUserToken(db, user.id, "verify_email", VERIFY_TTL);
  await enqueueEmail(db, {
    to: user.email,
    locale: user.locale,
    message: { template: "verify_email", props: { name: user.name, url: `${baseUrl}/verify-email?token=${token}` } },
  });
}

/** Consume a single-use token; returns the user id, or null when unknown, used or expired. */
async function consumeToken(trx: Trx, token: string, purpose: "verify_email" | "reset_password") {
  const row = await trx
    .updateTable("user_tokens")
    .set({ used_at: new Date() })
    .where("token_hash", "=", sha256(token))
    .where("purpose", "=", purpose)
    .where("used_at", "is", null)
    .where("expires_at", ">", new Date())
    .returning("user_id")
    .executeTakeFirst();
  return row?.user_id ?? null;
}

export async function verifyEmail(trx: Trx, token: string): Promise<boolean> {
  const userId = await consumeToken(trx, token, "verify_email");
  if (!userId) return false;
  await trx.updateTable("users").set({ email_verified_at: new Date() }).where("id", "=", userId).where("email_verified_at", "is", null).execute();
  return true;
}

/** Always succeeds from the outside, so the form does not reveal which addresses have accounts. */
export async function requestPasswordReset(trx: Trx, email: string, baseUrl: string) {
  const user = await trx.selectFrom("users").select(["id", "email", "name", "locale"]).where("email", "=", email).executeTakeFirst();
  if (!user) return;
  const token = await issueUserToken(trx, user.id, "reset_password", RESET_TTL);
  await enqueueEmail(trx, {
    to: user.email,
    locale: user.locale,
    message: { template: "password_reset", props: { name: user.name, url: `${baseUrl}/reset-password?token=${token}` } },
  });
}

async function setPassword(trx: Trx, userId: string, password: string) {
  await trx
    .updateTable("users")
    .set({ password_hash: await hashPassword(password), password_changed_at: new Date() })
    .where("id", "=", userId)
    .execute();
  await trx.deleteFrom("sessions").where("user_id", "=", userId).execute();
}

export async function resetPassword(trx: Trx, token: string, password: string): Promise<boolean> {
  const userId = await consumeToken(trx, token, "reset_password");
  if (!userId) return false;
  await setPassword(trx, userId, password);
  // Following the link proves the address.
  await trx.updateTable("users").set({ email_verified_at: new Date() }).where("id", "=", userId).where("email_verified_at", "is", null).execute();
  return true;
}

/** Change password; every session of the user ends (the caller signs the current browser in again). */
export async function changePassword(
  trx: Trx,
  userId: string,
  currentPassword: string,
  password: string,
): Promise<{ ok: true } | { ok: false; error: "wrong_password" }> {
  const user = await trx.selectFrom("users").select("password_hash").where("id", "=", userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, currentPassword))) return { ok: false, error: "wrong_password" };
  await setPassword(trx, userId, password);
  return { ok: true };
}

// --- Sign-in with rate limiting -------------------------------------------------------------

const WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

async function failuresSince(db: Executor, key: string, since: Date) {
  const row = await db
    .selectFrom("sign_in_attempts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("key", "=", key)
    .where("attempted_at", ">", since)
    .executeTakeFirstOrThrow();
  return row.n;
}

export type SignInResult =
  | { ok: true; userId: string; isOperator: boolean }
  | { ok: false; error: "bad_credentials" | "rate_limited" | "not_verified" };

/**
 * Check a password, at most 5 failures per account and 20 per address in 15 minutes.
 * An unverified user gets a fresh verification link instead of a session.
 */
export async function authenticate(
  db: Kysely<Database>,
  input: { email: string; password: string; ip: string; baseUrl: string },
): Promise<SignInResult> {
  const since = new Date(Date.now() - WINDOW_MS);
  const accountKey = `account:${input.email}`;
  const addressKey = `address:${input.ip}`;
  if (
    (await failuresSince(db, accountKey, since)) >= MAX_FAILURES_PER_ACCOUNT ||
    (await failuresSince(db, addressKey, since)) >= MAX_FAILURES_PER_ADDRESS
  ) {
    return { ok: false, error: "rate_limited" };
  }
  const user = await db
    .selectFrom("users")
    .select(["id", "email", "name", "locale", "password_hash", "email_verified_at", "operator_role"])
    .where("email", "=", input.email)
    .executeTakeFirst();
  // Hash even for unknown e-mails so timing does not reveal which accounts exist.
  const valid = user
    ? await verifyPassword(user.password_hash, input.password)
    : (await hashPassword(input.password), false);
  if (!user || !valid) {
    await db.insertInto("sign_in_attempts").values([{ key: accountKey }, { key: addressKey }]).execute();
    return { ok: false, error: "bad_credentials" };
  }
  await db.deleteFrom("sign_in_attempts").where("key", "=", accountKey).execute();
  if (!user.email_verified_at) {
    await db.transaction().execute((trx) => sendVerification(trx, user, input.baseUrl));
    return { ok: false, error: "not_verified" };
  }
  return { ok: true, userId: user.id, isOperator: Boolean(user.operator_role) };
}
