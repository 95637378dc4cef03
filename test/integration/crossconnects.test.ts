import { sql } from "kysely";
import { createTestDb, type TestDb } from "../support/db";
import { count, outbox } from "../support/factories";
import { pdfText } from "../support/pdf";
import { actorOf, crossConnectWorld, opActor, TENANT_ROLES, type CrossConnectWorld } from "../support/crossconnect-world";
import {
  acceptCrossConnect,
  assignPorts,
  cancelCrossConnect,
  confirmRemoval,
  declineCrossConnect,
  getForTenant,
  listForTenant,
  markInstalled,
  orderCrossConnect,
  rejectCrossConnect,
  requestRemoval,
  type OrderInput,
  type TenantActor,
} from "~/modules/crossconnects/orders.server";
import { crossConnectErrorOf } from "~/modules/crossconnects/errors";
import { loaPdfFor } from "~/modules/crossconnects/loa.server";
import { getForOperator } from "~/modules/crossconnects/orders.server";
import { runBilling } from "~/modules/billing/run.server";
import type { Trx } from "#db/types";

/**
 * Cross-connect orders against a real database: both sides' permissions, the lifecycle, the port
 * exclusion held by the database, the LOA's text, and the invoice lines, hand-computed.
 */
let t: TestDb;
let w: CrossConnectWorld;

beforeEach(async () => {
  t = await createTestDb({ reference: true });
  w = await crossConnectWorld(t.db);
});
afterEach(() => t.cleanup());

/** The site's calendar on a fixed day (10:00 in Lomé, UTC+0). */
const on = (day: string) => new Date(`${day}T10:00:00Z`);

/** Run a use-case in a transaction that is rolled back when it answers a refusal (as the routes do). */
async function run<T extends { ok: boolean }>(fn: (trx: Trx) => Promise<T>): Promise<T> {
  let out: T | undefined;
  try {
    await t.db.transaction().execute(async (trx) => {
      out = await fn(trx);
      if (!out.ok) throw new Error("rollback");
    });
  } catch (error) {
    if (!(error instanceof Error && error.message === "rollback")) throw error;
  }
  return out!;
}

const carrierOrder = (actor: TenantActor, over: Partial<OrderInput> = {}): OrderInput => ({
  actor,
  contractId: w.contract.a,
  zKind: "carrier",
  carrierId: w.carriers.togocom,
  media: "smf",
  aPosition: "Baie A03, PP1 ports 13-14",
  ...over,
});
const tenantOrder = (actor: TenantActor, over: Partial<OrderInput> = {}): OrderInput => ({
  actor,
  contractId: w.contract.a,
  zKind: "tenant",
  zOrgId: w.org.z.id,
  media: "smf",
  aPosition: "Baie A03, PP1 ports 13-14",
  ...over,
});

async function orderRow(id: string) {
  return t.db.selectFrom("cross_connect_orders").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

/** A tenant link ordered by A's technical member and accepted by Z's owner. */
async function acceptedTenantLink() {
  const ordered = await run((trx) => orderCrossConnect(trx, tenantOrder(actorOf(w.a.technical))));
  if (!ordered.ok) throw new Error(ordered.error);
  const accepted = await run((trx) => acceptCrossConnect(trx, { actor: actorOf(w.z.owner), orderId: ordered.orderId, zContractId: w.contract.z, zPosition: "Baie C07, PP2 port 1" }));
  expect(accepted).toEqual({ ok: true });
  return ordered.orderId;
}

/** A carrier link assigned and installed on `installedOn` (its ports assigned that same day). */
async function installedCarrierLink(installedOn: string) {
  const ordered = await run((trx) => orderCrossConnect(trx, carrierOrder(actorOf(w.a.owner))));
  if (!ordered.ok) throw new Error(ordered.error);
  const [p1, p2] = w.smfPorts;
  expect(await run((trx) => assignPorts(trx, { actor: opActor(w.ops.ops_noc), orderId: ordered.orderId, aPortId: p1.id, zPortId: p2.id, zPosition: "MMR rangée 2, ODF Togocom 4", now: on(installedOn) }))).toEqual({ ok: true });
  expect(await run((trx) => markInstalled(trx, { actor: opActor(w.ops.ops_noc), orderId: ordered.orderId, installedOn, testResult: "perte 0,4 dB, conforme", now: on(installedOn) }))).toEqual({ ok: true });
  return ordered.orderId;
}

describe("ordering: who may, from what, to whom", () => {
  test("owners, admins and technical members of A may order; billing and viewers may not, and nothing is written", async () => {
    for (const role of TENANT_ROLES) {
      const before = await count(t.db, "cross_connect_orders");
      const result = await run((trx) => orderCrossConnect(trx, carrierOrder(actorOf(w.a[role]))));
      const allowed = role === "owner" || role === "admin" || role === "technical";
      expect(result.ok, role).toBe(allowed);
      if (!allowed) expect(result).toEqual({ ok: false, error: "not_allowed" });
      expect(await count(t.db, "cross_connect_orders"), role).toBe(before + (allowed ? 1 : 0));
    }
  });

  test("a carrier order freezes the site's cross-connect price, goes to the operators, and is audited", async () => {
    const result = await run((trx) => orderCrossConnect(trx, carrierOrder(actorOf(w.a.technical))));
    if (!result.ok) throw new Error(result.error);
    const row = await orderRow(result.orderId);
    expect(row).toMatchObject({ status: "ordered", z_kind: "carrier", monthly_price_minor: 30_000, setup_fee_minor: 75_000, currency: "XOF", org_id: w.org.a.id });
    // A later price change does not touch the order.
    await t.db.updateTable("products").set({ unit_price_minor: 99_000 }).where("site_id", "=", w.ldc.id).where("kind", "=", "cross_connect").execute();
    expect((await orderRow(result.orderId)).monthly_price_minor).toBe(30_000);
    const toOps = await outbox(t.db, w.ops.ops_noc.email);
    expect(toOps.map((m) => m.template)).toEqual(["cross_connect_to_handle"]);
    expect(toOps[0].subject).toContain("Togocom");
    expect(await outbox(t.db, w.ops.ops_finance.email)).toEqual([]);
    const audit = await t.db.selectFrom("audit_log").selectAll().where("entity_id", "=", result.orderId).execute();
    expect(audit.map((a) => a.action)).toEqual(["crossconnect.ordered"]);
  });

  test("a tenant link waits for the Z side, whose owners, admins and technical members are told", async () => {
    const result = await run((trx) => orderCrossConnect(trx, tenantOrder(actorOf(w.a.admin))));
    if (!result.ok) throw new Error(result.error);
    expect((await orderRow(result.orderId)).status).toBe("pending_acceptance");
    for (const role of TENANT_ROLES) {
      const mails = await outbox(t.db, w.z[role].email);
      expect(mails.map((m) => m.template), role).toEqual(role === "billing" || role === "viewer" ? [] : ["cross_connect_incoming"]);
    }
    expect(await outbox(t.db, w.ops.ops_admin.email)).toEqual([]);
  });

  test("refused: another organisation's contract, a Z tenant of another site or the same organisation, a carrier of another site or taken off the list", async () => {
    const me = actorOf(w.a.owner);
    expect(await run((trx) => orderCrossConnect(trx, carrierOrder(me, { contractId: w.contract.z })))).toEqual({ ok: false, error: "not_found" });
    expect(await run((trx) => orderCrossConnect(trx, carrierOrder(me, { contractId: "not-a-uuid" })))).toEqual({ ok: false, error: "not_found" });
    expect(await run((trx) => orderCrossConnect(trx, tenantOrder(me, { zOrgId: w.org.kin.id })))).toEqual({ ok: false, error: "z_not_at_site" });
    expect(await run((trx) => orderCrossConnect(trx, tenantOrder(me, { zOrgId: w.org.a.id })))).toEqual({ ok: false, error: "same_org" });
    expect(await run((trx) => orderCrossConnect(trx, carrierOrder(me, { carrierId: w.carriers.vodacom })))).toEqual({ ok: false, error: "carrier_inactive" });
    expect(await run((trx) => orderCrossConnect(trx, carrierOrder(me, { carrierId: w.carriers.moov })))).toEqual({ ok: false, error: "carrier_inactive" });
    // An ended contract takes no new order.
    await t.db.updateTable("contracts").set({ end_on: "2026-02-28" }).where("id", "=", w.contract.a).execute();
    expect(await run((trx) => orderCrossConnect(trx, carrierOrder(me)))).toEqual({ ok: false, error: "contract_not_active" });
    expect(await count(t.db, "cross_connect_orders")).toBe(0);
  });

  test("the database itself refuses a Z tenant of another site, the same organisation on both sides, and a contract of another organisation", async () => {
    const product = await t.db.selectFrom("products").select("id").where("site_id", "=", w.ldc.id).where("kind", "=", "cross_connect").where("is_active", "=", true).executeTakeFirstOrThrow();
    const row = { org_id: w.org.a.id, contract_id: w.contract.a, site_id: w.ldc.id, z_kind: "tenant" as const, media: "smf" as const, a_position: "A03", status: "pending_acceptance" as const, product_id: product.id, monthly_price_minor: 1, setup_fee_minor: 1, currency: "XOF" as const };
    const refusal = async (values: typeof row & Record<string, unknown>) => {
      try {
        await t.db.insertInto("cross_connect_orders").values(values).execute();
        return "accepted";
      } catch (error) {
        return crossConnectErrorOf(error) ?? String((error as { constraint?: string }).constraint);
      }
    };
    expect(await refusal({ ...row, z_org_id: w.org.kin.id })).toBe("z_not_at_site");
    expect(await refusal({ ...row, z_org_id: w.org.a.id })).toBe("wrong_state"); // CHECK cross_connect_orders_z_side
    expect(await refusal({ ...row, z_org_id: w.org.z.id, contract_id: w.contract.z })).toBe("cross_connect_orders_contract_fkey");
    expect(await refusal({ ...row, z_org_id: w.org.z.id, status: "installed" as never })).toBe("wrong_state");
    expect(await count(t.db, "cross_connect_orders")).toBe(0);
  });

  test("a form submitted twice records one order", async () => {
    const key = "6f1c1a52-6a0a-4c1e-9a57-1d2f3e4a5b6c";
    const first = await run((trx) => orderCrossConnect(trx, carrierOrder(actorOf(w.a.owner), { clientKey: key })));
    const second = await run((trx) => orderCrossConnect(trx, carrierOrder(actorOf(w.a.owner), { clientKey: key })));
    if (!first.ok || !second.ok) throw new Error("refused");
    expect(second.orderId).toBe(first.orderId);
    expect(await count(t.db, "cross_connect_orders")).toBe(1);
    expect(await outbox(t.db, w.ops.ops_noc.email)).toHaveLength(1);
  });
});

describe("the Z side answers", () => {
  test("accept: only Z's owners, admins and technical members; A, a stranger or another site's tenant cannot", async () => {
    const ordered = await run((trx) => orderCrossConnect(trx, tenantOrder(actorOf(w.a.owner))));
    if (!ordered.ok) throw new Error(ordered.error);
    const accept = (actor: TenantActor, zContractId = w.contract.z) => run((trx) => acceptCrossConnect(trx, { actor, orderId: ordered.orderId, zContractId, zPosition: "C07" }));
    expect(await accept(actorOf(w.z.billing))).toEqual({ ok: false, error: "not_allowed" });
    expect(await accept(actorOf(w.z.viewer))).toEqual({ ok: false, error: "not_allowed" });
    expect(await accept(actorOf(w.a.owner))).toEqual({ ok: false, error: "not_allowed" });
    expect(await accept(actorOf(w.other))).toEqual({ ok: false, error: "not_found" });
    expect(await accept(actorOf(w.kinOwner), w.contract.kin)).toEqual({ ok: false, error: "not_found" });
    // Z may only name one of ITS live contracts at the site.
    expect(await accept(actorOf(w.z.technical), w.contract.other)).toEqual({ ok: false, error: "contract_not_active" });
    expect((await orderRow(ordered.orderId)).status).toBe("pending_acceptance");
    expect(await accept(actorOf(w.z.technical))).toEqual({ ok: true });
    // A second click finds it already accepted; one audit entry.
    expect(await accept(actorOf(w.z.technical))).toEqual({ ok: false, error: "wrong_state" });
    const row = await orderRow(ordered.orderId);
    expect(row).toMatchObject({ status: "ordered", z_contract_id: w.contract.z, z_position: "C07", accepted_by: w.z.technical.id });
    expect(await count(t.db, "audit_log")).toBe(2);
    expect((await outbox(t.db, w.a.owner.email)).map((m) => m.template)).toEqual(["cross_connect_accepted"]);
    expect((await outbox(t.db, w.ops.ops_noc.email)).map((m) => m.template)).toEqual(["cross_connect_to_handle"]);
  });

  test("decline with a reason: A is told, nothing is billed, and it can no longer be accepted", async () => {
    const ordered = await run((trx) => orderCrossConnect(trx, tenantOrder(actorOf(w.a.owner))));
    if (!ordered.ok) throw new Error(ordered.error);
    expect(await run((trx) => declineCrossConnect(trx, { actor: actorOf(w.a.owner), orderId: ordered.orderId, reason: "x" }))).toEqual({ ok: false, error: "not_allowed" });
    expect(await run((trx) => declineCrossConnect(trx, { actor: actorOf(w.z.admin), orderId: ordered.orderId, reason: "Pas de place sur notre panneau." }))).toEqual({ ok: true });
    expect(await orderRow(ordered.orderId)).toMatchObject({ status: "rejected", rejected_side: "z", rejection_reason: "Pas de place sur notre panneau." });
    const mail = (await outbox(t.db, w.a.owner.email)).find((m) => m.template === "cross_connect_declined")!;
    expect(mail.text).toContain("Pas de place sur notre panneau.");
    expect(await run((trx) => acceptCrossConnect(trx, { actor: actorOf(w.z.owner), orderId: ordered.orderId, zContractId: w.contract.z, zPosition: "C07" }))).toEqual({ ok: false, error: "wrong_state" });
  });

  test("another tenant sees neither the order nor its list entry; both parties do", async () => {
    const id = await acceptedTenantLink();
    expect(await getForTenant(t.db, { orgId: w.org.other.id, orderId: id })).toBeUndefined();
    expect(await listForTenant(t.db, { orgId: w.org.other.id })).toEqual([]);
    expect((await getForTenant(t.db, { orgId: w.org.a.id, orderId: id }))?.side).toBe("a");
    expect((await getForTenant(t.db, { orgId: w.org.z.id, orderId: id }))?.side).toBe("z");
    expect((await listForTenant(t.db, { orgId: w.org.z.id, contractId: w.contract.z })).map((o) => o.id)).toEqual([id]);
    expect(await listForTenant(t.db, { orgId: w.org.z.id, contractId: w.contract.a })).toEqual([]);
    for (const fn of [cancelCrossConnect, requestRemoval]) expect(await run((trx) => fn(trx, { actor: actorOf(w.other), orderId: id }))).toEqual({ ok: false, error: "not_found" });
    // Z may not cancel A's order.
    expect(await run((trx) => cancelCrossConnect(trx, { actor: actorOf(w.z.owner), orderId: id }))).toEqual({ ok: false, error: "not_allowed" });
  });
});

describe("ports: assignment by operators, exclusion held by the database", () => {
  test("ports of the order's media and site, two different ones; the Z tenant's port is held under its contract", async () => {
    const id = await acceptedTenantLink();
    const [p1, p2, p3] = w.smfPorts;
    const op = opActor(w.ops.ops_noc);
    expect(await run((trx) => assignPorts(trx, { actor: op, orderId: id, aPortId: p1.id, zPortId: p1.id }))).toEqual({ ok: false, error: "same_port" });
    expect(await run((trx) => assignPorts(trx, { actor: op, orderId: id, aPortId: w.cat6Ports[0].id, zPortId: p2.id }))).toEqual({ ok: false, error: "media_mismatch" });
    expect(await run((trx) => assignPorts(trx, { actor: op, orderId: id, aPortId: w.kinPort.id, zPortId: p2.id }))).toEqual({ ok: false, error: "wrong_site" });
    expect(await run((trx) => assignPorts(trx, { actor: op, orderId: id, aPortId: p1.id, zPortId: p2.id, now: on("2026-03-10") }))).toEqual({ ok: true });
    const held = await t.db.selectFrom("port_allocations").select(["port_id", "contract_id", "org_id", "cross_connect_side", "start_on", "end_on"]).where("cross_connect_order_id", "=", id).orderBy("cross_connect_side").execute();
    expect(held).toEqual([
      { port_id: p1.id, contract_id: w.contract.a, org_id: w.org.a.id, cross_connect_side: "a", start_on: "2026-03-10", end_on: null },
      { port_id: p2.id, contract_id: w.contract.z, org_id: w.org.z.id, cross_connect_side: "z", start_on: "2026-03-10", end_on: null },
    ]);
    // Moving the Z side to another port keeps one row per side.
    expect(await run((trx) => assignPorts(trx, { actor: op, orderId: id, aPortId: p1.id, zPortId: p3.id, now: on("2026-03-11") }))).toEqual({ ok: true });
    expect(await t.db.selectFrom("port_allocations").select("port_id").where("cross_connect_order_id", "=", id).orderBy("cross_connect_side").execute()).toEqual([{ port_id: p1.id }, { port_id: p3.id }]);
    expect((await orderRow(id)).ports_assigned_on).toBe("2026-03-10");
    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", id).where("action", "=", "crossconnect.ports_assigned").execute();
    expect(audit).toHaveLength(2);
  });

  test("the same port twice on overlapping dates is refused by the database, for an order and for a contract alike", async () => {
    const first = await installedCarrierLink("2026-03-15");
    const second = await run((trx) => orderCrossConnect(trx, carrierOrder(actorOf(w.a.owner), { carrierId: w.carriers.togocom, aPosition: "A04" })));
    if (!second.ok) throw new Error(second.error);
    const [p1, p2, , p4] = w.smfPorts;
    expect(await run((trx) => assignPorts(trx, { actor: opActor(w.ops.ops_admin), orderId: second.orderId, aPortId: p1.id, zPortId: p4.id, zPosition: "ODF 5", now: on("2026-04-01") }))).toEqual({ ok: false, error: "port_taken" });
    expect(await t.db.selectFrom("port_allocations").select("id").where("cross_connect_order_id", "=", second.orderId).execute()).toEqual([]);
    // Directly in the database: the one exclusion constraint.
    let error: unknown;
    try {
      await t.db.insertInto("port_allocations").values({ contract_id: w.contract.other, org_id: w.org.other.id, port_id: p2.id, start_on: "2026-06-01", end_on: null }).execute();
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string })?.code).toBe("23P01");
    expect((error as { constraint?: string })?.constraint).toBe("port_allocations_no_sharing");
    // Removed on 30 April: the port is free from 1 May, not on 30 April.
    expect(await run((trx) => confirmRemoval(trx, { actor: opActor(w.ops.ops_noc), orderId: first, removedOn: "2026-04-30", now: on("2026-04-20") }))).toEqual({ ok: true });
    await expect(t.db.insertInto("port_allocations").values({ contract_id: w.contract.other, org_id: w.org.other.id, port_id: p2.id, start_on: "2026-04-30", end_on: null }).execute()).rejects.toMatchObject({ code: "23P01" });
    await t.db.insertInto("port_allocations").values({ contract_id: w.contract.other, org_id: w.org.other.id, port_id: p2.id, start_on: "2026-05-01", end_on: null }).execute();
    expect(await t.db.selectFrom("port_allocations").select("end_on").where("cross_connect_order_id", "=", first).execute()).toEqual([{ end_on: "2026-04-30" }, { end_on: "2026-04-30" }]);
  });

  test("the database refuses a port of another media, and a port held under a contract that is not the order's", async () => {
    const id = await acceptedTenantLink();
    const hint = async (values: Record<string, unknown>) => {
      try {
        await t.db.insertInto("port_allocations").values(values as never).execute();
        return "accepted";
      } catch (error) {
        return (error as { hint?: string }).hint ?? (error as { constraint?: string }).constraint;
      }
    };
    const base = { contract_id: w.contract.a, org_id: w.org.a.id, start_on: "2026-03-01", end_on: null, cross_connect_order_id: id, cross_connect_side: "a" };
    expect(await hint({ ...base, port_id: w.cat6Ports[0].id })).toBe("media_mismatch");
    expect(await hint({ ...base, port_id: w.smfPorts[0].id, cross_connect_side: "z" })).toBe("cross_connect_port");
    expect(await hint({ ...base, port_id: w.smfPorts[0].id, cross_connect_side: null })).toBe("port_allocations_cross_connect_side");
  });
});

describe("lifecycle held by the database", () => {
  test("installed needs both ports, a date from their assignment to today and a test result; then only removal", async () => {
    const ordered = await run((trx) => orderCrossConnect(trx, carrierOrder(actorOf(w.a.owner))));
    if (!ordered.ok) throw new Error(ordered.error);
    const op = opActor(w.ops.ops_noc);
    const id = ordered.orderId;
    expect(await run((trx) => markInstalled(trx, { actor: op, orderId: id, installedOn: "2026-03-15", testResult: "ok", now: on("2026-03-15") }))).toEqual({ ok: false, error: "install_before_assignment" });
    // A carrier's side needs its meet-me-room position.
    expect(await run((trx) => assignPorts(trx, { actor: op, orderId: id, aPortId: w.smfPorts[0].id, zPortId: w.smfPorts[1].id, now: on("2026-03-12") }))).toEqual({ ok: false, error: "wrong_state" });
    expect(await run((trx) => assignPorts(trx, { actor: op, orderId: id, aPortId: w.smfPorts[0].id, zPortId: w.smfPorts[1].id, zPosition: "ODF Togocom 4", now: on("2026-03-12") }))).toEqual({ ok: true });
    expect(await run((trx) => markInstalled(trx, { actor: op, orderId: id, installedOn: "2026-03-11", testResult: "ok", now: on("2026-03-15") }))).toEqual({ ok: false, error: "install_before_assignment" });
    expect(await run((trx) => markInstalled(trx, { actor: op, orderId: id, installedOn: "2026-03-16", testResult: "ok", now: on("2026-03-15") }))).toEqual({ ok: false, error: "install_in_future" });
    expect(await run((trx) => markInstalled(trx, { actor: op, orderId: id, installedOn: "2026-03-15", testResult: "loss 0.4 dB, pass", now: on("2026-03-15") }))).toEqual({ ok: true });
    expect(await run((trx) => markInstalled(trx, { actor: op, orderId: id, installedOn: "2026-03-15", testResult: "again", now: on("2026-03-15") }))).toEqual({ ok: false, error: "wrong_state" });
    expect(await run((trx) => cancelCrossConnect(trx, { actor: actorOf(w.a.owner), orderId: id }))).toEqual({ ok: false, error: "wrong_state" });
    expect(await run((trx) => rejectCrossConnect(trx, { actor: op, orderId: id, reason: "no" }))).toEqual({ ok: false, error: "wrong_state" });
    // Parties are told; the e-mail carries the test result and the date.
    const mail = (await outbox(t.db, w.a.technical.email)).find((m) => m.template === "cross_connect_installed")!;
    expect(mail.text).toContain("loss 0.4 dB, pass");
    // Directly: no way back, no price change, no deletion.
    const refused = async (q: Promise<unknown>) => q.then(() => "accepted", (e) => (e as { hint?: string }).hint);
    expect(await refused(t.db.updateTable("cross_connect_orders").set({ status: "ordered" }).where("id", "=", id).execute())).toBe("cross_connect_transition");
    expect(await refused(t.db.updateTable("cross_connect_orders").set({ monthly_price_minor: 1 }).where("id", "=", id).execute())).toBe("cross_connect_frozen");
    expect(await refused(t.db.updateTable("cross_connect_orders").set({ installed_on: "2026-03-20" }).where("id", "=", id).execute())).toBe("cross_connect_frozen");
    expect(await refused(t.db.deleteFrom("cross_connect_orders").where("id", "=", id).execute())).toBe("cross_connect_frozen");
  });

  test("either side asks for the removal; the other side and the operators are told; the operator dates it", async () => {
    const id = await acceptedTenantLink();
    const op = opActor(w.ops.ops_noc);
    expect(await run((trx) => assignPorts(trx, { actor: op, orderId: id, aPortId: w.smfPorts[0].id, zPortId: w.smfPorts[1].id, now: on("2026-03-02") }))).toEqual({ ok: true });
    expect(await run((trx) => markInstalled(trx, { actor: op, orderId: id, installedOn: "2026-03-03", testResult: "0,3 dB", now: on("2026-03-04") }))).toEqual({ ok: true });
    expect(await run((trx) => requestRemoval(trx, { actor: actorOf(w.z.viewer), orderId: id }))).toEqual({ ok: false, error: "not_allowed" });
    expect(await run((trx) => requestRemoval(trx, { actor: actorOf(w.z.technical), orderId: id }))).toEqual({ ok: true });
    expect(await run((trx) => requestRemoval(trx, { actor: actorOf(w.a.owner), orderId: id }))).toEqual({ ok: false, error: "wrong_state" });
    expect(await orderRow(id)).toMatchObject({ status: "removal_requested", removal_requested_side: "z" });
    expect((await outbox(t.db, w.a.owner.email)).map((m) => m.template)).toContain("cross_connect_removal_requested");
    expect((await outbox(t.db, w.ops.ops_admin.email)).map((m) => m.template)).toContain("cross_connect_removal_requested");
    expect(await run((trx) => confirmRemoval(trx, { actor: op, orderId: id, removedOn: "2026-03-02", now: on("2026-03-20") }))).toEqual({ ok: false, error: "removal_before_install" });
    expect(await run((trx) => confirmRemoval(trx, { actor: op, orderId: id, removedOn: "2026-08-01", now: on("2026-03-20") }))).toEqual({ ok: false, error: "removal_too_far" });
    expect(await run((trx) => confirmRemoval(trx, { actor: op, orderId: id, removedOn: "2026-03-31", now: on("2026-03-20") }))).toEqual({ ok: true });
    expect(await orderRow(id)).toMatchObject({ status: "removed", removed_on: "2026-03-31" });
    expect((await outbox(t.db, w.z.owner.email)).map((m) => m.template)).toContain("cross_connect_removed");
    const actions = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", id).orderBy("id").execute();
    expect(actions.map((a) => a.action)).toEqual(["crossconnect.ordered", "crossconnect.accepted", "crossconnect.ports_assigned", "crossconnect.installed", "crossconnect.removal_requested", "crossconnect.removed"]);
  });

  test("cancelling or rejecting an order releases its ports", async () => {
    const id = await acceptedTenantLink();
    expect(await run((trx) => assignPorts(trx, { actor: opActor(w.ops.ops_noc), orderId: id, aPortId: w.smfPorts[0].id, zPortId: w.smfPorts[1].id }))).toEqual({ ok: true });
    expect(await run((trx) => cancelCrossConnect(trx, { actor: actorOf(w.a.technical), orderId: id }))).toEqual({ ok: true });
    expect(await t.db.selectFrom("port_allocations").select("id").where("cross_connect_order_id", "=", id).execute()).toEqual([]);
    expect((await outbox(t.db, w.z.owner.email)).map((m) => m.template)).toContain("cross_connect_cancelled");
    const other = await run((trx) => orderCrossConnect(trx, carrierOrder(actorOf(w.a.owner))));
    if (!other.ok) throw new Error(other.error);
    expect(await run((trx) => assignPorts(trx, { actor: opActor(w.ops.ops_noc), orderId: other.orderId, aPortId: w.smfPorts[0].id, zPortId: w.smfPorts[1].id, zPosition: "ODF 1" }))).toEqual({ ok: true });
    expect(await run((trx) => rejectCrossConnect(trx, { actor: opActor(w.ops.ops_admin), orderId: other.orderId, reason: "Opérateur absent de la salle." }))).toEqual({ ok: true });
    expect(await orderRow(other.orderId)).toMatchObject({ status: "rejected", rejected_side: "operator" });
    expect(await count(t.db, "port_allocations")).toBe(0);
  });
});

describe("LOA / CFA", () => {
  test("names both parties, the site, the media, both positions and the assigned ports, in French and in English", async () => {
    const id = await acceptedTenantLink();
    expect(await run((trx) => assignPorts(trx, { actor: opActor(w.ops.ops_noc), orderId: id, aPortId: w.smfPorts[0].id, zPortId: w.smfPorts[1].id }))).toEqual({ ok: true });
    const order = (await getForOperator(t.db, id))!;
    const ref = `XC-${id.slice(0, 8).toUpperCase()}`;
    const fr = await pdfText((await loaPdfFor(t.db, order, "fr", on("2026-03-20"))).content);
    expect(fr.numPages).toBe(1);
    for (const text of ["LETTRE D'AUTORISATION", ref, "Kossi Digital", "Togo Cloud SARL", "Lomé Data Centre", "Fibre monomode (SMF)", "Baie A03, PP1 ports 13-14", "Baie C07, PP2 port 1", w.smfPorts[0].name, w.smfPorts[1].name, "20 mars 2026", "CÔTÉ Z", "CÔTÉ A (DEMANDEUR)"]) {
      expect(fr.text, text).toContain(text);
    }
    expect(fr.text).toContain(`Kossi Digital autorise Togo Cloud SARL`);
    const en = await pdfText((await loaPdfFor(t.db, order, "en", on("2026-03-20"))).content);
    for (const text of ["LETTER OF AUTHORISATION", ref, "Single-mode fibre (SMF)", "Z SIDE", "20 March 2026", "Kossi Digital authorises Togo Cloud SARL"]) expect(en.text, text).toContain(text);
  });

  test("before ports are assigned it says they are to be assigned", async () => {
    const ordered = await run((trx) => orderCrossConnect(trx, carrierOrder(actorOf(w.a.owner))));
    if (!ordered.ok) throw new Error(ordered.error);
    const { text } = await pdfText((await loaPdfFor(t.db, (await getForOperator(t.db, ordered.orderId))!, "fr")).content);
    expect(text).toContain("Togocom");
    expect(text).toContain("À affecter par le centre de données");
  });
});

describe("billing", () => {
  test("installed on 15 March (31 days): 30 000 × 17/31 = 16 451.6 → 16 452 F CFA plus the 75 000 setup on A's invoice; April whole; removed 10 May: 10/31", async () => {
    const id = await installedCarrierLink("2026-03-15");
    await runBilling(t.db, { siteCode: "LDC", period: "2026-03" });
    const march = await invoiceLines(w.org.a.id, "2026-03");
    expect(march).toEqual([
      { kind: "recurring", description_fr: "Cross-connect SMF vers Togocom — du 15 mars 2026 au 31 mars 2026 (17/31 jours)", quantity: "1.000000", unit_price_minor: 30_000, amount_minor: 16_452, contract_id: w.contract.a },
      { kind: "setup", description_fr: "Frais de mise en service — Cross-connect SMF vers Togocom (installé le 15 mars 2026)", quantity: "1.000000", unit_price_minor: 75_000, amount_minor: 75_000, contract_id: w.contract.a },
    ]);
    const invoice = await t.db.selectFrom("invoices").selectAll().where("org_id", "=", w.org.a.id).where("period", "=", "2026-03").executeTakeFirstOrThrow();
    // 91 452 + VAT 18 % (16 461.36 → 16 461) = 107 913
    expect([invoice.subtotal_minor, invoice.vat_minor, invoice.total_minor]).toEqual([91_452, 16_461, 107_913]);
    // The Z side (a carrier here) and other tenants get nothing of it.
    expect(await invoiceLines(w.org.z.id, "2026-03")).toEqual([]);

    await runBilling(t.db, { siteCode: "LDC", period: "2026-04" });
    expect((await invoiceLines(w.org.a.id, "2026-04")).map((l) => [l.kind, l.amount_minor])).toEqual([["recurring", 30_000]]);

    expect(await run((trx) => confirmRemoval(trx, { actor: opActor(w.ops.ops_noc), orderId: id, removedOn: "2026-05-10", now: on("2026-05-02") }))).toEqual({ ok: true });
    await runBilling(t.db, { siteCode: "LDC", period: "2026-05" });
    // 30 000 × 10 / 31 = 9 677.4 → 9 677
    expect((await invoiceLines(w.org.a.id, "2026-05")).map((l) => [l.kind, l.amount_minor, l.description_fr])).toEqual([
      ["recurring", 9_677, "Cross-connect SMF vers Togocom — du 1er mai 2026 au 10 mai 2026 (10/31 jours)"],
    ]);
    await runBilling(t.db, { siteCode: "LDC", period: "2026-06" });
    expect(await invoiceLines(w.org.a.id, "2026-06")).toEqual([]);
  });

  test("a tenant link is billed to A only, in the site's currency (USD cents at Kinshasa)", async () => {
    const kinZ = await t.db.insertInto("organisations").values({ name: "Congo Peering", kind: "sme", tax_id: "CD-42", rccm: null, billing_email: "b@cp.test", address: "Gombe", country: "CD", status: "verified" }).returning("id").executeTakeFirstOrThrow();
    const kinZContract = await t.db.insertInto("contracts").values({ org_id: kinZ.id, site_id: w.kin.id, request_id: null, start_on: "2026-01-01", end_on: null, term_months: 12 }).returning("id").executeTakeFirstOrThrow();
    await t.db.insertInto("memberships").values({ org_id: kinZ.id, user_id: (await t.db.insertInto("users").values({ email: "z@cp.test", name: "Z", password_hash: "x", email_verified_at: new Date(), operator_role: null }).returning("id").executeTakeFirstOrThrow()).id, role: "owner" }).execute();
    const ordered = await run((trx) => orderCrossConnect(trx, { actor: actorOf(w.kinOwner), contractId: w.contract.kin, zKind: "tenant", zOrgId: kinZ.id, media: "smf", aPosition: "R1" }));
    if (!ordered.ok) throw new Error(ordered.error);
    expect(await orderRow(ordered.orderId)).toMatchObject({ monthly_price_minor: 6_000, setup_fee_minor: 15_000, currency: "USD" });
    // Lomé's Z tenant is not at Kinshasa: not a party to this order.
    expect(await run((trx) => acceptCrossConnect(trx, { actor: actorOf(w.z.owner), orderId: ordered.orderId, zContractId: w.contract.z, zPosition: "R9" }))).toEqual({ ok: false, error: "not_found" });
    const zMember = await t.db.selectFrom("memberships").select("user_id").where("org_id", "=", kinZ.id).executeTakeFirstOrThrow();
    const z = { id: zMember.user_id, email: "z@cp.test", orgId: kinZ.id, role: "owner" as const };
    expect(await run((trx) => acceptCrossConnect(trx, { actor: z, orderId: ordered.orderId, zContractId: kinZContract.id, zPosition: "R9" }))).toEqual({ ok: true });
    const kinPorts = await t.db.selectFrom("cross_connect_ports").select("id").where("site_id", "=", w.kin.id).where("media", "=", "smf").orderBy("name").limit(2).execute();
    expect(await run((trx) => assignPorts(trx, { actor: opActor(w.ops.ops_noc), orderId: ordered.orderId, aPortId: kinPorts[0].id, zPortId: kinPorts[1].id, now: on("2026-04-16") }))).toEqual({ ok: true });
    expect(await run((trx) => markInstalled(trx, { actor: opActor(w.ops.ops_noc), orderId: ordered.orderId, installedOn: "2026-04-16", testResult: "0.2 dB", now: on("2026-04-16") }))).toEqual({ ok: true });
    await runBilling(t.db, { siteCode: "KIN", period: "2026-04" });
    // USD 60.00 × 15/30 = 30.00; setup USD 150.00
    expect((await invoiceLines(w.org.kin.id, "2026-04")).map((l) => [l.kind, l.amount_minor])).toEqual([["recurring", 3_000], ["setup", 15_000]]);
    expect(await invoiceLines(kinZ.id, "2026-04")).toEqual([]);
  });
});

async function invoiceLines(orgId: string, period: string) {
  return t.db
    .selectFrom("invoice_lines as l")
    .innerJoin("invoices as i", "i.id", "l.invoice_id")
    .select(["l.kind", "l.description_fr", "l.quantity", "l.unit_price_minor", "l.amount_minor", "l.contract_id"])
    .where("i.org_id", "=", orgId)
    .where("i.period", "=", period)
    .where(sql<boolean>`l.details ? 'cross_connect_order_id'`)
    .orderBy("l.position")
    .execute();
}
