import type { Kysely } from "kysely";
import type { Database, OperatorRole, TenantRole } from "#db/schema";
import { hashPassword } from "~/modules/auth/password.server";
import { createSessionCookie } from "~/modules/auth/session.server";

export const PASSWORD = "Correct-Horse-42";
let passwordHash: Promise<string> | undefined;
const hashed = () => (passwordHash ??= hashPassword(PASSWORD));

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

export async function createOrg(db: Kysely<Database>, overrides: Partial<{ name: string; status: "pending" | "verified" | "suspended" }> = {}) {
  return db
    .insertInto("organisations")
    .values({
      name: overrides.name ?? `Org ${unique()}`,
      kind: "sme",
      tax_id: `NIF${unique()}`,
      rccm: null,
      billing_email: `billing-${unique()}@example.test`,
      address: "Boulevard du 13 Janvier, Lomé",
      country: "TG",
      status: overrides.status ?? "verified",
    })
    .returning(["id", "name"])
    .executeTakeFirstOrThrow();
}

export async function createUser(
  db: Kysely<Database>,
  opts: { orgId?: string; role?: TenantRole; operatorRole?: OperatorRole; email?: string; verified?: boolean; locale?: "fr" | "en" } = {},
) {
  const email = opts.email ?? `user-${unique()}@example.test`;
  const user = await db
    .insertInto("users")
    .values({
      email,
      name: `User ${email.split("@")[0]}`,
      password_hash: await hashed(),
      email_verified_at: opts.verified === false ? null : new Date(),
      operator_role: opts.operatorRole ?? null,
      locale: opts.locale ?? "fr",
    })
    .returning(["id", "email", "name"])
    .executeTakeFirstOrThrow();
  if (opts.orgId) await db.insertInto("memberships").values({ org_id: opts.orgId, user_id: user.id, role: opts.role ?? "owner" }).execute();
  return user;
}

/** A signed-in user: their row and the Cookie header value of a fresh session. */
export async function signedIn(db: Kysely<Database>, opts: Parameters<typeof createUser>[1] = {}) {
  const user = await createUser(db, opts);
  const setCookie = await createSessionCookie(user.id);
  return { ...user, cookie: setCookie.split(";")[0] };
}

export async function count(db: Kysely<Database>, table: keyof Database) {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return row.n;
}

export async function outbox(db: Kysely<Database>, to: string) {
  return db.selectFrom("email_outbox").selectAll().where("to_address", "=", to).orderBy("created_at").execute();
}

/** The first URL in a message's text that starts with `prefix`. */
export function linkIn(text: string, prefix: string) {
  const match = text.match(new RegExp(`${prefix.replace(/[.?*+^$[\]\\(){}|-]/g, "\\$&")}[^\\s]*`));
  if (!match) throw new Error(`no ${prefix} link in:\n${text}`);
  return match[0];
}

/** The seeded site with this code and its racks (active first), for capacity tests. */
export async function siteWithRacks(db: Kysely<Database>, code: string) {
  const site = await db.selectFrom("sites").selectAll().where("code", "=", code).executeTakeFirstOrThrow();
  const racks = await db
    .selectFrom("racks as r")
    .innerJoin("rooms as m", "m.id", "r.room_id")
    .select(["r.id", "r.name", "r.height_u", "r.status", "r.power_capacity_w", "r.feed_a_capacity_w", "r.feed_b_capacity_w"])
    .where("m.site_id", "=", site.id)
    .orderBy("r.status")
    .orderBy("r.name")
    .execute();
  return { site, racks };
}

/** A pending request written directly (the tenant UI path is tested elsewhere). */
export async function createRequestRow(
  db: Kysely<Database>,
  opts: { orgId: string; siteId: string; createdBy?: string; lines: { kind: import("#db/schema").RequestableKind; quantity: number }[]; startOn?: string },
) {
  const request = await db
    .insertInto("requests")
    .values({ org_id: opts.orgId, site_id: opts.siteId, desired_start_on: opts.startOn ?? "2027-01-01", term_months: 12, notes: null, created_by: opts.createdBy ?? null })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.insertInto("request_lines").values(opts.lines.map((l) => ({ request_id: request.id, ...l }))).execute();
  return request.id;
}

/** A contract row written directly (no request behind it), 12 months from `startOn`; returns its id. */
export async function createContract(
  db: Kysely<Database>,
  opts: { orgId: string; siteId: string; startOn?: string; endOn?: string | null },
) {
  const row = await db
    .insertInto("contracts")
    .values({ org_id: opts.orgId, site_id: opts.siteId, request_id: null, start_on: opts.startOn ?? "2026-01-01", end_on: opts.endOn ?? null, term_months: 12 })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Commit bandwidth to a contract (ADR 015): a `contract_lines` version of kind
 * `bandwidth_commit_mbps` with `mbps` as its quantity, from the site's product of that kind (the
 * active one first). Price 0 unless the test gives one (a zero-priced commitment bills nothing);
 * `validFrom` omitted = the contract's start (the database fills it in). The site's bandwidth check
 * (constraint trigger `contract_lines_check_bandwidth`) runs at the end of this INSERT. Returns the
 * line's id.
 */
export async function commitBandwidth(
  db: Kysely<Database>,
  contractId: string,
  mbps: number,
  opts: { price?: number; setupFee?: number; validFrom?: string; validTo?: string | null } = {},
) {
  const product = await db
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .innerJoin("products as p", (j) => j.onRef("p.site_id", "=", "c.site_id").on("p.kind", "=", "bandwidth_commit_mbps"))
    .select(["p.id", "p.kind", "p.name_fr", "p.name_en", "s.currency"])
    .where("c.id", "=", contractId)
    .orderBy("p.is_active", "desc")
    .orderBy("p.id")
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto("contract_lines")
    .values({
      contract_id: contractId,
      product_id: product.id,
      kind: product.kind,
      name_fr: product.name_fr,
      name_en: product.name_en,
      quantity: mbps,
      unit_price_minor: opts.price ?? 0,
      setup_fee_minor: opts.setupFee ?? 0,
      currency: product.currency,
      valid_from: opts.validFrom,
      valid_to: opts.validTo ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A valid sign-up form (organisation and owner) for this e-mail address; spread it to change a field. */
export const signUpFields = (email: string) => ({
  orgName: "Awoudi Services SARL",
  orgKind: "sme",
  taxId: "1000123456",
  rccm: "TG-LOM-01-2024-B12-00042",
  billingEmail: "compta@awoudi.example.test",
  address: "12 rue des Cocotiers, Lomé",
  country: "TG",
  name: "Ama Awoudi",
  email,
  password: "Bien-Long-Mot-2026",
  passwordConfirm: "Bien-Long-Mot-2026",
});
