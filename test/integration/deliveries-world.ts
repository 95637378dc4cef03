import type { Kysely } from "kysely";
import type { Database, OperatorRole, TenantRole } from "#db/schema";
import type { TenantActor } from "~/modules/deliveries/deliveries.server";
import { createContract, createOrg, signedIn } from "../support/factories";

export const TENANT_ROLES: TenantRole[] = ["owner", "admin", "billing", "technical", "viewer"];
export const OPERATOR_ROLES: OperatorRole[] = ["ops_admin", "ops_noc", "ops_finance"];

type Member = Awaited<ReturnType<typeof signedIn>> & { orgId: string; role: TenantRole };

/**
 * The deliveries' world. Lomé (LDC, UTC+0, parcels kept 14 days — the default) and Kinshasa (KIN,
 * UTC+1, kept 5 days here):
 * - Kossi Digital: a contract at LDC holding rack `kossiRack` from 2026-01-01 (open-ended) and
 *   `kossiOldRack` from 2026-01-01 to 2026-03-31; a contract at KIN holding `kinRack`; a member of
 *   each role (the owner reads English);
 * - Togo Cloud: a contract at LDC holding `togoRack`; an owner;
 * - Ancien SARL: a terminated contract at LDC (ended 2026-02-28), and its owner;
 * - one operator per role.
 */
export async function deliveriesWorld(db: Kysely<Database>) {
  const site = async (code: string) => db.selectFrom("sites").selectAll().where("code", "=", code).executeTakeFirstOrThrow();
  const ldc = await site("LDC");
  await db.updateTable("sites").set({ parcel_keep_days: 5 }).where("code", "=", "KIN").execute();
  const kin = await site("KIN");
  const racksAt = (siteId: string) =>
    db.selectFrom("racks as r").innerJoin("rooms as m", "m.id", "r.room_id").select(["r.id", "r.name"]).where("m.site_id", "=", siteId).where("r.status", "=", "active").orderBy("r.name").execute();
  const [ldcRacks, kinRacks] = [await racksAt(ldc.id), await racksAt(kin.id)];
  const org = { kossi: await createOrg(db, { name: "Kossi Digital" }), togo: await createOrg(db, { name: "Togo Cloud SARL" }), ancien: await createOrg(db, { name: "Ancien SARL" }) };
  const contract = {
    kossi: await createContract(db, { orgId: org.kossi.id, siteId: ldc.id, startOn: "2026-01-01" }),
    kossiKin: await createContract(db, { orgId: org.kossi.id, siteId: kin.id, startOn: "2026-01-01" }),
    togo: await createContract(db, { orgId: org.togo.id, siteId: ldc.id, startOn: "2026-01-01" }),
    ancien: await createContract(db, { orgId: org.ancien.id, siteId: ldc.id, startOn: "2025-03-01", endOn: "2026-02-28" }),
  };
  const hold = async (contractId: string, orgId: string, rackId: string, startOn: string, endOn: string | null, firstU = 10) =>
    db.insertInto("allocations").values({ contract_id: contractId, org_id: orgId, rack_id: rackId, kind: "units", first_u: firstU, last_u: firstU + 1, start_on: startOn, end_on: endOn, power_w: 0 }).execute();
  const rack = { kossi: ldcRacks[0], kossiOld: ldcRacks[1], togo: ldcRacks[2], kin: kinRacks[0] };
  await hold(contract.kossi, org.kossi.id, rack.kossi.id, "2026-01-01", null);
  await hold(contract.kossi, org.kossi.id, rack.kossiOld.id, "2026-01-01", "2026-03-31");
  await hold(contract.togo, org.togo.id, rack.togo.id, "2026-01-01", null);
  await hold(contract.kossiKin, org.kossi.id, rack.kin.id, "2026-01-01", null);
  const members = async (orgId: string) => {
    const out = {} as Record<TenantRole, Member>;
    for (const role of TENANT_ROLES) out[role] = { ...(await signedIn(db, { orgId, role, locale: role === "owner" ? "en" : "fr" })), orgId, role };
    return out;
  };
  const kossi = await members(org.kossi.id);
  const togo = { ...(await signedIn(db, { orgId: org.togo.id, role: "owner" })), orgId: org.togo.id, role: "owner" as TenantRole };
  const ancien = { ...(await signedIn(db, { orgId: org.ancien.id, role: "owner" })), orgId: org.ancien.id, role: "owner" as TenantRole };
  const ops = {} as Record<OperatorRole, Awaited<ReturnType<typeof signedIn>>>;
  for (const role of OPERATOR_ROLES) ops[role] = await signedIn(db, { operatorRole: role });
  return { ldc, kin, org, contract, rack, kossi, togo, ancien, ops };
}

export type DeliveriesWorld = Awaited<ReturnType<typeof deliveriesWorld>>;

export const actorOf = (m: Member): TenantActor => ({ id: m.id, email: m.email, orgId: m.orgId, role: m.role });
export const opActor = (u: { id: string; email: string }) => ({ id: u.id, email: u.email });
