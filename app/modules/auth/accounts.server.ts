import type { Kysely } from "kysely";
import type { Database, Locale } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { recordAudit } from "~/modules/audit/audit.server";
import type { SignUpInput } from "~/modules/orgs/schemas.server";
import { isUniqueViolation, withSavepoint } from "~/utils/db.server";
import { hashPassword, verifyPassword } from "./password.server";
import { newToken, sha256 } from "./tokens.server";
import { LIMITS, clear, hit, limitKey, release } from "./rate-limits.server";
import { runAfterResponse } from "./background.server";

const HOUR = 3600_000;
const VERIFY_TTL = 24 * HOUR;
const RESET_TTL = 1 * HOUR;

export async function emailTaken(db: Executor, email: string) {
  return Boolean(await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst());
}

/** At most `LIMITS.signUpAddress` sign-ups per address; call it before opening the sign-up transaction. */
export async function signUpAllowed(db: Kysely<Database>, ip: string) {
  return (await hit(db, limitKey.signUpAddress(ip), LIMITS.signUpAddress)).allowed;
}

/**
 * Sign-up: the organisation (pending), its owner (unverified) and the verification e-mail, in one
 * transaction. The unique index on users.email decides between concurrent sign-ups for one address
 * (no check-then-insert): the user row is written first, and a loser gets `email_taken` before
 * anything else is written — run it with `inTransactionOrRollback` so nothing half-written stays.
 */
export async function signUp(
  trx: Trx,
  input: SignUpInput,
  ctx: { baseUrl: string; ip?: string },
): Promise<{ ok: true; userId: string; orgId: string } | { ok: false; error: "email_taken" }> {
  const passwordHash = await hashPassword(input.password);
  let user: { id: string };
  try {
    user = await withSavepoint(trx, () =>
      trx
        .insertInto("users")
        .values({ email: input.email, name: input.name, password_hash: passwordHash, locale: input.locale, operator_role: null, email_verified_at: null })
        .returning("id")
        .executeTakeFirstOrThrow(),
    );
  } catch (error) {
    if (isUniqueViolation(error, "users_email_key")) return { ok: false, error: "email_taken" };
    throw error;
  }
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

/**
 * The forgot-password form. The answer never depends on the address: it is computed before the
 * address is even looked up (the lookup, the token and the e-mail happen after the response, in
 * `sendPasswordReset`), so known and unknown addresses get the same words in the same time.
 * Only the address (IP) limit can refuse, and it does not depend on the e-mail either.
 */
export async function requestPasswordReset(
  db: Kysely<Database>,
  input: { email: string; ip: string; baseUrl: string },
): Promise<{ ok: true } | { ok: false; error: "rate_limited" }> {
  if (!(await hit(db, limitKey.forgotAddress(input.ip), LIMITS.forgotAddress)).allowed) return { ok: false, error: "rate_limited" };
  runAfterResponse("forgot-password", () => db.transaction().execute((trx) => sendPasswordReset(trx, input.email, input.baseUrl)));
  return { ok: true };
}

/** Mail a reset link if the address has an account (at most `LIMITS.forgotAccount` per hour, silently). */
export async function sendPasswordReset(trx: Trx, email: string, baseUrl: string) {
  if (!(await hit(trx, limitKey.forgotAccount(email), LIMITS.forgotAccount)).allowed) return;
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

/**
 * Change password; every session of the user ends (the caller signs the current browser in again).
 * At most `LIMITS.passwordChange` wrong current passwords per user and window: a stolen session
 * cannot be used to guess the password. Run it in a transaction that commits on failure too
 * (`inTransaction`), or the attempt would not count.
 */
export async function changePassword(
  trx: Trx,
  userId: string,
  currentPassword: string,
  password: string,
): Promise<{ ok: true } | { ok: false; error: "wrong_password" | "rate_limited" }> {
  const key = limitKey.passwordChange(userId);
  if (!(await hit(trx, key, LIMITS.passwordChange)).allowed) return { ok: false, error: "rate_limited" };
  const user = await trx.selectFrom("users").select("password_hash").where("id", "=", userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, currentPassword))) return { ok: false, error: "wrong_password" };
  await release(trx, key);
  await setPassword(trx, userId, password);
  return { ok: true };
}

// --- Sign-in with rate limiting -------------------------------------------------------------

export const MAX_FAILURES_PER_PAIR = LIMITS.signInPair.max;
export const MAX_FAILURES_PER_ACCOUNT = LIMITS.signInAccount.max;
export const MAX_FAILURES_PER_ADDRESS = LIMITS.signInAddress.max;

export type SignInResult =
  | { ok: true; userId: string; isOperator: boolean }
  | { ok: false; error: "bad_credentials" | "rate_limited" | "not_verified" };

/** An Argon2id hash of nothing anyone knows: unknown addresses cost one verification too. */
let dummyHash: Promise<string> | undefined;
const dummyPasswordHash = () => (dummyHash ??= hashPassword(newToken().token));

/**
 * Check a password under three limits (docs/decisions/010-sign-in-limits.md): per account *and*
 * address (tight: five guesses lock out only the guesser's address), per address (whatever the
 * account) and per account (loose: it takes many addresses to lock an owner out).
 *
 * Each attempt reserves its slot atomically *before* the password is checked, so N parallel
 * guesses check exactly the limit. Slots of an attempt that was refused before any check, or whose
 * password was right, are given back. An unverified user gets a fresh verification link instead of
 * a session.
 */
export async function authenticate(
  db: Kysely<Database>,
  input: { email: string; password: string; ip: string; baseUrl: string },
): Promise<SignInResult> {
  const pairKey = limitKey.signInPair(input.email, input.ip);
  const addressKey = limitKey.signInAddress(input.ip);
  const accountKey = limitKey.signInAccount(input.email);
  if (!(await hit(db, pairKey, LIMITS.signInPair)).allowed) return { ok: false, error: "rate_limited" };
  if (!(await hit(db, addressKey, LIMITS.signInAddress)).allowed) {
    await release(db, pairKey);
    return { ok: false, error: "rate_limited" };
  }
  if (!(await hit(db, accountKey, LIMITS.signInAccount)).allowed) {
    await release(db, pairKey);
    await release(db, addressKey);
    return { ok: false, error: "rate_limited" };
  }
  const user = await db
    .selectFrom("users")
    .select(["id", "email", "name", "locale", "password_hash", "email_verified_at", "operator_role"])
    .where("email", "=", input.email)
    .executeTakeFirst();
  // Verify even for unknown e-mails so timing does not reveal which accounts exist.
  const valid = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), input.password);
  if (!user || !valid) return { ok: false, error: "bad_credentials" };
  // The right password: this attempt was not a failure.
  await clear(db, pairKey);
  await release(db, addressKey);
  await release(db, accountKey);
  if (!user.email_verified_at) {
    await db.transaction().execute((trx) => sendVerification(trx, user, input.baseUrl));
    return { ok: false, error: "not_verified" };
  }
  return { ok: true, userId: user.id, isOperator: Boolean(user.operator_role) };
}
