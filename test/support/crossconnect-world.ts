import type { Kysely } from "kysely";
import type { Database, OperatorRole, TenantRole } from "#db/schema";
import type { TenantActor } from "~/modules/crossconnects/orders.server";
import { createContract, createOrg, signedIn } from "./factories";

export const TENANT_ROLES: TenantRole[] = ["owner", "admin", "billing", "technical", "viewer"];
export const OPERATOR_ROLES: OperatorRole[] = ["ops_admin", "ops_noc", "ops_finance"];

type Member = Awaited<ReturnType<typeof signedIn>> & { orgId: string; role: TenantRole };

/**
 * Two tenants at Lomé (LDC) who interconnect — Kossi Digital (A) and Togo Cloud (Z) —, a third
 * tenant at Lomé who is party to nothing (Intrus), a tenant at Kinshasa only (Kin Hosting), a member
 * of each role in A and Z, one operator per role, and carriers: Togocom and Moov Africa at LDC
 * (Moov taken off the list), Vodacom at KIN. Contracts run from 2026-01-01, open-ended.
 */
export async function crossConnectWorld(db: Kysely<Database>) {
  const site = async (code: string) => db.selectFrom("sites").selectAll().where("code", "=", code).executeTakeFirstOrThrow();
  const ldc = await site("LDC");
  const kin = await site("KIN");
  const org = { a: await createOrg(db, { name: "Kossi Digital" }), z: await createOrg(db, { name: "Togo Cloud SARL" }), other: await createOrg(db, { name: "Intrus SARL" }), kin: await createOrg(db, { name: "Kin Hosting" }) };
  const contract = {
    a: await createContract(db, { orgId: org.a.id, siteId: ldc.id, startOn: "2026-01-01" }),
    z: await createContract(db, { orgId: org.z.id, siteId: ldc.id, startOn: "2026-01-01" }),
    other: await createContract(db, { orgId: org.other.id, siteId: ldc.id, startOn: "2026-01-01" }),
    kin: await createContract(db, { orgId: org.kin.id, siteId: kin.id, startOn: "2026-01-01" }),
  };
  const carrier = async (siteId: string, name: string, active = true) =>
    (await db.insertInto("carriers").values({ site_id: siteId, name, is_active: active }).returning("id").executeTakeFirstOrThrow()).id;
  const carriers = { togocom: await carrier(ldc.id, "Togocom"), moov: await carrier(ldc.id, "Moov Africa", false), vodacom: await carrier(kin.id, "Vodacom") };
  const members = async (orgId: string) => {
    const out = {} as Record<TenantRole, Member>;
    for (const role of TENANT_ROLES) out[role] = { ...(await signedIn(db, { orgId, role })), orgId, role };
    return out;
  };
  const a = await members(org.a.id);
  const z = await members(org.z.id);
  const other = { ...(await signedIn(db, { orgId: org.other.id, role: "owner" })), orgId: org.other.id, role: "owner" as TenantRole };
  const kinOwner = { ...(await signedIn(db, { orgId: org.kin.id, role: "owner" })), orgId: org.kin.id, role: "owner" as TenantRole };
  const ops = {} as Record<OperatorRole, Awaited<ReturnType<typeof signedIn>>>;
  for (const role of OPERATOR_ROLES) ops[role] = await signedIn(db, { operatorRole: role });
  const ports = await db.selectFrom("cross_connect_ports").select(["id", "name", "media"]).where("site_id", "=", ldc.id).orderBy("name").execute();
  return {
    ldc,
    kin,
    org,
    contract,
    carriers,
    a,
    z,
    other,
    kinOwner,
    ops,
    smfPorts: ports.filter((p) => p.media === "smf"),
    cat6Ports: ports.filter((p) => p.media === "cat6"),
    kinPort: await db.selectFrom("cross_connect_ports").select("id").where("site_id", "=", kin.id).orderBy("name").executeTakeFirstOrThrow(),
  };
}

export type CrossConnectWorld = Awaited<ReturnType<typeof crossConnectWorld>>;

/** A member as the use-cases take them. */
export const actorOf = (m: Member): TenantActor => ({ id: m.id, email: m.email, orgId: m.orgId, role: m.role });
export const opActor = (u: { id: string; email: string }) => ({ id: u.id, email: u.email });
