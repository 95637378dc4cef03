import type { Kysely } from "kysely";
import type { Database, OperatorRole, ProductKind, TenantRole } from "#db/schema";
import type { Trx } from "#db/types";
import type { TenantActor } from "~/modules/remotehands/tickets.server";
import { createOrg, signedIn } from "../support/factories";

export const TENANT_ROLES: TenantRole[] = ["owner", "admin", "billing", "technical", "viewer"];
export const OPERATOR_ROLES: OperatorRole[] = ["ops_admin", "ops_noc", "ops_finance"];

type Member = Awaited<ReturnType<typeof signedIn>> & { orgId: string; role: TenantRole };

/**
 * Remote hands' world: at Lomé (LDC, XOF, UTC+0) Kossi Digital (A) with a contract freezing the
 * remote-hands prices (standard 35 000, urgent 52 500 XOF/h), racks A01 U1–U4 (in force) and U10–U12
 * (ended 2026-03-31), and a terminated contract (ended 2026-06-30); Togo Cloud (B) with its own rack
 * space; at Kinshasa (KIN, USD, UTC+1) Kin Hosting with a contract freezing only the standard price
 * (75.00 USD/h; the site's urgent product, 112.50, stands in). A member of each role in A, B's owner,
 * Kin's owner, and one operator per role. Contracts run from 2026-01-01.
 */
export async function remoteHandsWorld(db: Kysely<Database>) {
  const site = async (code: string) => db.selectFrom("sites").selectAll().where("code", "=", code).executeTakeFirstOrThrow();
  const ldc = await site("LDC");
  const kin = await site("KIN");
  const racksOf = (siteId: string) =>
    db.selectFrom("racks as r").innerJoin("rooms as m", "m.id", "r.room_id").select(["r.id", "r.name"]).where("m.site_id", "=", siteId).where("r.status", "=", "active").orderBy("r.name").execute();
  const ldcRacks = await racksOf(ldc.id);
  const kinRacks = await racksOf(kin.id);
  const org = { a: await createOrg(db, { name: "Kossi Digital" }), b: await createOrg(db, { name: "Togo Cloud SARL" }), kin: await createOrg(db, { name: "Kin Hosting" }) };

  async function contract(orgId: string, siteId: string, prices: Partial<Record<ProductKind, number>>, endOn: string | null = null) {
    const c = await db
      .insertInto("contracts")
      .values({ org_id: orgId, site_id: siteId, request_id: null, start_on: "2026-01-01", end_on: endOn, term_months: 12 })
      .returning("id")
      .executeTakeFirstOrThrow();
    const { currency } = await db.selectFrom("sites").select("currency").where("id", "=", siteId).executeTakeFirstOrThrow();
    for (const [kind, price] of Object.entries(prices) as [ProductKind, number][]) {
      const p = await db.selectFrom("products").select(["id", "name_fr", "name_en"]).where("site_id", "=", siteId).where("kind", "=", kind).where("is_active", "=", true).executeTakeFirstOrThrow();
      await db
        .insertInto("contract_lines")
        .values({ contract_id: c.id, product_id: p.id, kind, name_fr: p.name_fr, name_en: p.name_en, quantity: 0, unit_price_minor: price, currency })
        .execute();
    }
    return c.id;
  }
  const allocate = async (contractId: string, orgId: string, rackId: string, first: number, last: number, endOn: string | null = null) =>
    (
      await db
        .insertInto("allocations")
        .values({ contract_id: contractId, org_id: orgId, rack_id: rackId, kind: "units", first_u: first, last_u: last, start_on: "2026-01-01", end_on: endOn })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;

  const contractA = await contract(org.a.id, ldc.id, { remote_hands_hour: 35_000, remote_hands_urgent_hour: 52_500 });
  const endedA = await contract(org.a.id, ldc.id, { remote_hands_hour: 35_000 }, "2026-06-30");
  const contractB = await contract(org.b.id, ldc.id, { remote_hands_hour: 35_000 });
  const contractKin = await contract(org.kin.id, kin.id, { remote_hands_hour: 7_500 });
  const alloc = {
    a: await allocate(contractA, org.a.id, ldcRacks[0].id, 1, 4),
    aEnded: await allocate(contractA, org.a.id, ldcRacks[0].id, 10, 12, "2026-03-31"),
    aOnEnded: await allocate(endedA, org.a.id, ldcRacks[0].id, 20, 21, "2026-06-30"),
    b: await allocate(contractB, org.b.id, ldcRacks[1].id, 1, 2),
    kin: await allocate(contractKin, org.kin.id, kinRacks[0].id, 5, 6),
  };
  const a = {} as Record<TenantRole, Member>;
  for (const role of TENANT_ROLES) a[role] = { ...(await signedIn(db, { orgId: org.a.id, role })), orgId: org.a.id, role };
  const b = { ...(await signedIn(db, { orgId: org.b.id, role: "owner" })), orgId: org.b.id, role: "owner" as TenantRole };
  const kinOwner = { ...(await signedIn(db, { orgId: org.kin.id, role: "owner" })), orgId: org.kin.id, role: "owner" as TenantRole };
  const ops = {} as Record<OperatorRole, Awaited<ReturnType<typeof signedIn>>>;
  for (const role of OPERATOR_ROLES) ops[role] = await signedIn(db, { operatorRole: role });
  return { ldc, kin, ldcRacks, kinRacks, org, contract: { a: contractA, endedA, b: contractB, kin: contractKin }, alloc, a, b, kinOwner, ops };
}

export type RemoteHandsWorld = Awaited<ReturnType<typeof remoteHandsWorld>>;

export const actorOf = (m: Member): TenantActor => ({ id: m.id, email: m.email, orgId: m.orgId, role: m.role });
export const opActor = (u: { id: string; email: string }) => ({ id: u.id, email: u.email });

/** Run a use-case in a transaction rolled back when it answers a refusal (as the routes do). */
export async function run<T extends { ok: boolean }>(db: Kysely<Database>, fn: (trx: Trx) => Promise<T>): Promise<T> {
  let out: T | undefined;
  try {
    await db.transaction().execute(async (trx) => {
      out = await fn(trx);
      if (!out.ok) throw new Error("rollback");
    });
  } catch (error) {
    if (!(error instanceof Error && error.message === "rollback")) throw error;
  }
  return out!;
}

/** Small files by their first bytes. */
export const FILES = {
  png: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
  jpeg: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]),
  webp: new Uint8Array([0x52, 0x49, 0x46, 0x46, 30, 0, 0, 0, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x20]),
  pdf: new TextEncoder().encode("%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"),
  html: new TextEncoder().encode("<!doctype html><script>alert(1)</script>"),
  zip: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0]),
  svg: new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
};
