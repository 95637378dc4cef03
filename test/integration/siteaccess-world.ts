import type { Kysely } from "kysely";
import type { Database, OperatorRole, TenantRole } from "#db/schema";
import type { TenantActor } from "~/modules/siteaccess/visits.server";
import { createContract, createOrg, signedIn } from "../support/factories";

export const TENANT_ROLES: TenantRole[] = ["owner", "admin", "billing", "technical", "viewer"];
export const OPERATOR_ROLES: OperatorRole[] = ["ops_admin", "ops_noc", "ops_finance"];

/** `YYYY-MM-DD` + days. */
export const plus = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** The instant of a site-local wall time, for a site `offsetHours` ahead of UTC (Lomé 0, Kinshasa 1). */
export const at = (day: string, hhmm: string, offsetHours = 0) => new Date(Date.parse(`${day}T${hhmm}:00Z`) - offsetHours * 3_600_000);

type Member = Awaited<ReturnType<typeof signedIn>> & { orgId: string; role: TenantRole };

/**
 * Site access world. Visits are checked against the database's clock at registration, so the days
 * are placed from the real UTC day: D = today + 10 (never the year the suite runs in).
 * - Kossi Digital (A): at Lomé (LDC, UTC+0) a contract from D − 40, open-ended, holding rack R1
 *   (units 1–10, open-ended) and rack R2 only from D + 5 to D + 8; at Kinshasa (KIN, UTC+1) a
 *   contract holding rack K1.
 * - Togo Cloud (B): at Lomé, rack R3 (units 1–10), open-ended.
 * - Ancien SARL (C): at Lomé, a contract terminated on D − 1 with rack R4 held until then.
 * - A member of each role in A, an owner in B and C, one operator per role.
 */
export async function siteAccessWorld(db: Kysely<Database>) {
  const today = new Date().toISOString().slice(0, 10);
  const D = plus(today, 10);
  const site = async (code: string) => db.selectFrom("sites").selectAll().where("code", "=", code).executeTakeFirstOrThrow();
  const ldc = await site("LDC");
  const kin = await site("KIN");
  const racksAt = (siteId: string) =>
    db.selectFrom("racks as r").innerJoin("rooms as m", "m.id", "r.room_id").select(["r.id", "r.name"]).where("m.site_id", "=", siteId).where("r.status", "=", "active").orderBy("r.name").execute();
  const [r1, r2, r3, r4] = await racksAt(ldc.id);
  const [k1] = await racksAt(kin.id);
  const org = { a: await createOrg(db, { name: "Kossi Digital" }), b: await createOrg(db, { name: "Togo Cloud SARL" }), c: await createOrg(db, { name: "Ancien SARL" }) };
  const start = plus(D, -40);
  const contract = {
    a: await createContract(db, { orgId: org.a.id, siteId: ldc.id, startOn: start }),
    aKin: await createContract(db, { orgId: org.a.id, siteId: kin.id, startOn: start }),
    b: await createContract(db, { orgId: org.b.id, siteId: ldc.id, startOn: start }),
    c: await createContract(db, { orgId: org.c.id, siteId: ldc.id, startOn: start, endOn: plus(D, -1) }),
  };
  const allocate = (contractId: string, orgId: string, rackId: string, startOn: string, endOn: string | null) =>
    db.insertInto("allocations").values({ contract_id: contractId, org_id: orgId, rack_id: rackId, kind: "units", first_u: 1, last_u: 4, start_on: startOn, end_on: endOn, power_w: 0 }).execute();
  await allocate(contract.a, org.a.id, r1.id, start, null);
  await allocate(contract.a, org.a.id, r2.id, plus(D, 5), plus(D, 8));
  await allocate(contract.aKin, org.a.id, k1.id, start, null);
  await allocate(contract.b, org.b.id, r3.id, start, null);
  await allocate(contract.c, org.c.id, r4.id, start, plus(D, -1));
  const a = {} as Record<TenantRole, Member>;
  for (const role of TENANT_ROLES) a[role] = { ...(await signedIn(db, { orgId: org.a.id, role, locale: role === "admin" ? "en" : "fr" })), orgId: org.a.id, role };
  const b = { ...(await signedIn(db, { orgId: org.b.id, role: "owner" })), orgId: org.b.id, role: "owner" as TenantRole };
  const c = { ...(await signedIn(db, { orgId: org.c.id, role: "owner" })), orgId: org.c.id, role: "owner" as TenantRole };
  const ops = {} as Record<OperatorRole, Awaited<ReturnType<typeof signedIn>> & { operatorRole: OperatorRole }>;
  for (const role of OPERATOR_ROLES) ops[role] = { ...(await signedIn(db, { operatorRole: role })), operatorRole: role };
  return { today, D, ldc, kin, racks: { r1, r2, r3, r4, k1 }, org, contract, a, b, c, ops };
}

export type SiteAccessWorld = Awaited<ReturnType<typeof siteAccessWorld>>;

export const actorOf = (m: Member): TenantActor => ({ id: m.id, email: m.email, orgId: m.orgId, role: m.role });
export const opActor = (u: { id: string; email: string; operatorRole: OperatorRole }) => ({ id: u.id, email: u.email, operatorRole: u.operatorRole });
