import * as contractPage from "~/routes/app.services.$contractId_.cross-connects";
import * as tenantList from "~/routes/app.cross-connects._index";
import * as tenantPage from "~/routes/app.cross-connects.$orderId";
import * as tenantLoa from "~/routes/app.cross-connects.$orderId.loa[.pdf]";
import * as opsList from "~/routes/ops.cross-connects._index";
import * as opsPage from "~/routes/ops.cross-connects.$orderId";
import * as opsLoa from "~/routes/ops.cross-connects.$orderId.loa[.pdf]";
import * as carriersPage from "~/routes/ops.sites.$siteCode.carriers";
import * as queuePage from "~/routes/ops.requests._index";
import { listAudit } from "~/modules/audit/audit.server";
import { dayIn } from "~/utils/dates";
import { createTestDb, type TestDb } from "../support/db";
import { count } from "../support/factories";
import { BASE, body, call, formRequest, getRequest } from "../support/http";
import { pdfText } from "../support/pdf";
import { crossConnectWorld, TENANT_ROLES, type CrossConnectWorld } from "../support/crossconnect-world";

/**
 * The cross-connect pages called as Remix would, with real requests and sessions: each role of both
 * sides, another tenant's ids (404), hostile input (400/403/404/409/413/415, never 5xx, nothing
 * written), double submissions, and the LOA download.
 */
let t: TestDb;
let w: CrossConnectWorld;

beforeAll(async () => {
  t = await createTestDb({ reference: true });
  w = await crossConnectWorld(t.db);
});
afterAll(() => t.cleanup());

const today = () => dayIn("Africa/Lome");
const orderFields = (over: Record<string, string> = {}) => ({ zKind: "carrier", carrierId: w.carriers.togocom, media: "smf", aPosition: "Baie A03, PP1 13-14", notes: "", ...over });
const order = (cookie: string, fields: Record<string, string> = orderFields(), contractId = w.contract.a) =>
  call(contractPage.action, formRequest(`/app/services/${contractId}/cross-connects`, fields, { cookie }), { contractId });
const tenantAct = (cookie: string, orderId: string, fields: Record<string, string>) => call(tenantPage.action, formRequest(`/app/cross-connects/${orderId}`, fields, { cookie }), { orderId });
const opsAct = (cookie: string, orderId: string, fields: Record<string, string>) => call(opsPage.action, formRequest(`/ops/cross-connects/${orderId}`, fields, { cookie }), { orderId });
const idFrom = (res: Response) => res.headers.get("Location")!.split("/").pop()!;
const writes = async () => ({ orders: await count(t.db, "cross_connect_orders"), ports: await count(t.db, "port_allocations"), audit: await count(t.db, "audit_log"), mails: await count(t.db, "email_outbox"), carriers: await count(t.db, "carriers") });

/** A tenant link through the pages: A's technical member orders, Z's owner accepts. */
async function tenantLink() {
  const res = await order(w.a.technical.cookie, orderFields({ zKind: "tenant", zOrgId: w.org.z.id, carrierId: "" }));
  expect(res.status).toBe(302);
  const id = idFrom(res);
  const accepted = await tenantAct(w.z.owner.cookie, id, { intent: "accept", zContractId: w.contract.z, zPosition: "Baie C07, PP2 port 1" });
  expect(accepted.status).toBe(200);
  return id;
}

describe("tenant pages", () => {
  test("ordering: owner, admin and technical are redirected to the new order; billing and viewer get 403 and nothing is written", async () => {
    for (const role of TENANT_ROLES) {
      const before = await writes();
      const res = await order(w.a[role].cookie);
      if (role === "billing" || role === "viewer") {
        expect(res.status, role).toBe(403);
        expect(await writes(), role).toEqual(before);
      } else {
        expect(res.status, role).toBe(302);
        expect(res.headers.get("Location"), role).toMatch(/^\/app\/cross-connects\/[0-9a-f-]{36}$/);
      }
    }
    // Every role may read the contract's cross-connects; only those who may order get the form.
    const viewer = await body(await call(contractPage.loader, getRequest(`/app/services/${w.contract.a}/cross-connects`, { cookie: w.a.viewer.cookie }), { contractId: w.contract.a }));
    expect(viewer.canOrder).toBe(false);
    expect(viewer.orders.length).toBeGreaterThanOrEqual(3);
    expect(viewer.price).toEqual({ monthlyMinor: 30_000, setupMinor: 75_000 });
    expect(viewer.carriers.map((c: { name: string }) => c.name)).toEqual(["Togocom"]);
    expect(viewer.tenants.map((o: { name: string }) => o.name)).toEqual(["Intrus SARL", "Togo Cloud SARL"]);
  });

  test("another tenant's contract or order is 404 everywhere: page, form, order page, action, LOA", async () => {
    const id = await tenantLink();
    const before = await writes();
    expect((await call(contractPage.loader, getRequest(`/app/services/${w.contract.a}/cross-connects`, { cookie: w.other.cookie }), { contractId: w.contract.a })).status).toBe(404);
    expect((await order(w.other.cookie, orderFields(), w.contract.a)).status).toBe(404);
    expect((await call(tenantPage.loader, getRequest(`/app/cross-connects/${id}`, { cookie: w.other.cookie }), { orderId: id })).status).toBe(404);
    for (const intent of ["accept", "decline", "cancel", "removal"]) {
      expect((await tenantAct(w.other.cookie, id, { intent, zContractId: w.contract.other, zPosition: "X", reason: "x" })).status, intent).toBe(404);
    }
    expect((await call(tenantLoa.loader, getRequest(`/app/cross-connects/${id}/loa.pdf`, { cookie: w.other.cookie }), { orderId: id })).status).toBe(404);
    expect((await call(tenantLoa.loader, getRequest(`/app/cross-connects/${id}/loa.pdf`, { cookie: w.kinOwner.cookie }), { orderId: id })).status).toBe(404);
    for (const bad of ["nope", "00000000-0000-0000-0000-000000000000", "'; drop table cross_connect_orders; --"]) {
      expect((await call(tenantPage.loader, getRequest(`/app/cross-connects/x`, { cookie: w.a.owner.cookie }), { orderId: bad })).status).toBe(404);
    }
    // A tenant in the operators' area: 404 (no operator role).
    expect((await call(opsPage.loader, getRequest(`/ops/cross-connects/${id}`, { cookie: w.a.owner.cookie }), { orderId: id })).status).toBe(404);
    expect(await writes()).toEqual(before);
    // Z is left out of the list of the other tenant, and sees the order among its own.
    expect((await body(await call(tenantList.loader, getRequest("/app/cross-connects", { cookie: w.other.cookie })))).orders).toEqual([]);
    const zList = await body(await call(tenantList.loader, getRequest("/app/cross-connects", { cookie: w.z.viewer.cookie })));
    expect(zList.orders.map((o: { id: string }) => o.id)).toContain(id);
  });

  test("the Z side's roles: billing and viewer cannot answer (403); A cannot accept its own order; accepting twice answers 409 the second time", async () => {
    const res = await order(w.a.admin.cookie, orderFields({ zKind: "tenant", zOrgId: w.org.z.id }));
    const id = idFrom(res);
    const incoming = await body(await call(tenantList.loader, getRequest("/app/cross-connects", { cookie: w.z.technical.cookie })));
    expect(incoming.incoming.map((o: { id: string }) => o.id)).toContain(id);
    const fields = { intent: "accept", zContractId: w.contract.z, zPosition: "C07" };
    expect((await tenantAct(w.z.billing.cookie, id, fields)).status).toBe(403);
    expect((await tenantAct(w.z.viewer.cookie, id, fields)).status).toBe(403);
    const own = await tenantAct(w.a.owner.cookie, id, fields);
    expect(own.status).toBe(403);
    expect((await body(own)).formError).toBe("crossconnects.error.not_allowed");
    const viewerPage = await body(await call(tenantPage.loader, getRequest(`/app/cross-connects/${id}`, { cookie: w.z.viewer.cookie }), { orderId: id }));
    expect(viewerPage.actions.accept).toBe(false);
    expect(viewerPage.roleNeeded).toBe(true);
    const page = await body(await call(tenantPage.loader, getRequest(`/app/cross-connects/${id}`, { cookie: w.z.technical.cookie }), { orderId: id }));
    expect(page.actions).toMatchObject({ accept: true, decline: true, cancel: false });
    expect(page.zContracts.map((c: { id: string }) => c.id)).toEqual([w.contract.z]);
    expect(await body(await tenantAct(w.z.technical.cookie, id, fields))).toEqual({ intent: "accept", notice: "crossconnects.done.accept" });
    const again = await tenantAct(w.z.technical.cookie, id, fields);
    expect(again.status).toBe(409);
    expect((await body(again)).formError).toBe("crossconnects.error.wrong_state");
    expect(await t.db.selectFrom("audit_log").select("id").where("entity_id", "=", id).where("action", "=", "crossconnect.accepted").execute()).toHaveLength(1);
  });

  test("the LOA: the A side, the Z side and operators download it in their language", async () => {
    const id = await tenantLink();
    const a = await call(tenantLoa.loader, getRequest(`/app/cross-connects/${id}/loa.pdf`, { cookie: w.a.viewer.cookie }), { orderId: id });
    expect(a.status).toBe(200);
    expect(a.headers.get("Content-Type")).toBe("application/pdf");
    expect(a.headers.get("Cache-Control")).toBe("private, no-store");
    expect((await pdfText(new Uint8Array(await a.arrayBuffer()))).text).toContain("LETTRE D'AUTORISATION");
    await t.db.updateTable("users").set({ locale: "en" }).where("id", "=", w.z.billing.id).execute();
    const z = await call(tenantLoa.loader, getRequest(`/app/cross-connects/${id}/loa.pdf`, { cookie: w.z.billing.cookie }), { orderId: id });
    expect(z.status).toBe(200);
    const zText = (await pdfText(new Uint8Array(await z.arrayBuffer()))).text;
    expect(zText).toContain("LETTER OF AUTHORISATION");
    expect(zText).toContain("Baie C07, PP2 port 1");
    const ops = await call(opsLoa.loader, getRequest(`/ops/cross-connects/${id}/loa.pdf`, { cookie: w.ops.ops_finance.cookie }), { orderId: id });
    expect(ops.status).toBe(200);
    expect((await call(opsLoa.loader, getRequest(`/ops/cross-connects/${id}/loa.pdf`, { cookie: w.a.owner.cookie }), { orderId: id })).status).toBe(404);
    // Cancelled: no letter any more.
    expect((await tenantAct(w.a.owner.cookie, id, { intent: "cancel" })).status).toBe(200);
    expect((await call(tenantLoa.loader, getRequest(`/app/cross-connects/${id}/loa.pdf`, { cookie: w.a.owner.cookie }), { orderId: id })).status).toBe(404);
  });

  test("hostile input never gets a 5xx and writes nothing", async () => {
    const before = await writes();
    const cases: [Record<string, string>, number, string | null][] = [
      [orderFields({ aPosition: "A03\u0000" }), 400, "aPosition"],
      [orderFields({ aPosition: "A03\tport 2" }), 400, "aPosition"],
      [orderFields({ aPosition: "A03\nport 2" }), 400, "aPosition"],
      [orderFields({ aPosition: "x".repeat(5000) }), 400, "aPosition"],
      [orderFields({ aPosition: "   " }), 400, "aPosition"],
      [orderFields({ notes: "y".repeat(1001) }), 400, "notes"],
      [orderFields({ media: "fibre" }), 400, "media"],
      [orderFields({ zKind: "satellite" }), 400, "zKind"],
      [orderFields({ carrierId: "" }), 400, "carrierId"],
      [orderFields({ carrierId: "not-a-uuid" }), 400, "carrierId"],
      [orderFields({ carrierId: w.carriers.vodacom }), 400, "carrierId"],
      [orderFields({ carrierId: "00000000-0000-0000-0000-000000000000" }), 400, "carrierId"],
      [orderFields({ zKind: "tenant", zOrgId: w.org.kin.id }), 400, "zOrgId"],
      [orderFields({ zKind: "tenant", zOrgId: w.org.a.id }), 400, "zOrgId"],
      [orderFields({ zKind: "tenant", zOrgId: "'; select 1; --" }), 400, "zOrgId"],
      [orderFields({ clientKey: "z".repeat(65) }), 400, "clientKey"],
    ];
    for (const [fields, status, field] of cases) {
      const res = await order(w.a.owner.cookie, fields);
      expect(res.status, JSON.stringify(fields).slice(0, 80)).toBe(status);
      const data = await body(res);
      if (field) expect(Object.keys(data.errors ?? {}), JSON.stringify(fields).slice(0, 80)).toContain(field);
    }
    // Not a form, too large, or an unknown intent.
    const json = new Request(`${BASE}/app/services/${w.contract.a}/cross-connects`, { method: "POST", headers: { "Content-Type": "application/json", Origin: BASE, Cookie: w.a.owner.cookie }, body: "{}" });
    expect((await call(contractPage.action, json, { contractId: w.contract.a })).status).toBe(415);
    expect((await order(w.a.owner.cookie, orderFields({ notes: "z".repeat(1_100_000) }))).status).toBe(413);
    expect((await tenantAct(w.a.owner.cookie, "00000000-0000-0000-0000-000000000000", { intent: "cancel" })).status).toBe(404);
    expect(await writes()).toEqual(before);
  });

  test("a double submission of the order form records one order", async () => {
    const key = "0b7d2f0e-8c61-4d5a-9c3b-2a1e0f9d8c7b";
    const before = await count(t.db, "cross_connect_orders");
    const [first, second] = await Promise.all([order(w.a.owner.cookie, orderFields({ clientKey: key })), order(w.a.owner.cookie, orderFields({ clientKey: key }))]);
    expect([first.status, second.status]).toEqual([302, 302]);
    expect(first.headers.get("Location")).toBe(second.headers.get("Location"));
    expect(await count(t.db, "cross_connect_orders")).toBe(before + 1);
  });
});

describe("operator pages", () => {
  test("the queue lists open orders with their kind; the NOC builds one end to end; finance reads but cannot act", async () => {
    const res = await order(w.a.owner.cookie, orderFields());
    const id = idFrom(res);
    const list = await body(await call(opsList.loader, getRequest("/ops/cross-connects", { cookie: w.ops.ops_finance.cookie })));
    expect(list.orders.find((o: { id: string }) => o.id === id)).toMatchObject({ status: "ordered", z_kind: "carrier", z_name: "Togocom", a_org_name: "Kossi Digital" });
    expect((await body(await call(opsList.loader, getRequest("/ops/cross-connects?status=removed", { cookie: w.ops.ops_finance.cookie })))).orders).toEqual([]);
    expect((await call(opsList.loader, getRequest("/ops/cross-connects?status=%00", { cookie: w.ops.ops_noc.cookie }))).status).toBe(200);

    const page = await body(await call(opsPage.loader, getRequest(`/ops/cross-connects/${id}`, { cookie: w.ops.ops_noc.cookie }), { orderId: id }));
    expect(page.canAct).toBe(true);
    expect(page.ports.length).toBeGreaterThanOrEqual(2);
    const [p1, p2] = page.ports;
    const finance = await opsAct(w.ops.ops_finance.cookie, id, { intent: "assign", aPortId: p1.id, zPortId: p2.id, zPosition: "ODF 4" });
    expect(finance.status).toBe(403);

    const before = await writes();
    for (const [fields, status] of [
      [{ intent: "assign", aPortId: p1.id, zPortId: p1.id, zPosition: "ODF 4" }, 400],
      [{ intent: "assign", aPortId: "x", zPortId: p2.id, zPosition: "ODF 4" }, 400],
      [{ intent: "assign", aPortId: w.kinPort.id, zPortId: p2.id, zPosition: "ODF 4" }, 400],
      [{ intent: "assign", aPortId: p1.id, zPortId: p2.id, zPosition: "ODF\u00074" }, 400],
      [{ intent: "install", installedOn: today(), testResult: "ok" }, 400],
      [{ intent: "install", installedOn: "2026-02-30", testResult: "ok" }, 400],
      [{ intent: "remove", removedOn: today() }, 409],
      [{ intent: "reject", reason: "" }, 400],
      [{ intent: "fly" }, 400],
    ] as [Record<string, string>, number][]) {
      expect((await opsAct(w.ops.ops_noc.cookie, id, fields)).status, JSON.stringify(fields)).toBe(status);
    }
    expect(await writes()).toEqual(before);

    expect(await body(await opsAct(w.ops.ops_noc.cookie, id, { intent: "assign", aPortId: p1.id, zPortId: p2.id, zPosition: "ODF Togocom 4" }))).toEqual({ intent: "assign", notice: "crossconnects.done.assign" });
    const tomorrow = new Date(Date.parse(`${today()}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect((await opsAct(w.ops.ops_noc.cookie, id, { intent: "install", installedOn: tomorrow, testResult: "ok" })).status).toBe(400);
    expect(await body(await opsAct(w.ops.ops_noc.cookie, id, { intent: "install", installedOn: today(), testResult: "loss 0.4 dB, pass" }))).toEqual({ intent: "install", notice: "crossconnects.done.install" });
    expect((await opsAct(w.ops.ops_noc.cookie, id, { intent: "install", installedOn: today(), testResult: "again" })).status).toBe(409);
    // The tenant asks for the removal; the operator confirms it today.
    expect(await body(await tenantAct(w.a.technical.cookie, id, { intent: "removal" }))).toEqual({ intent: "removal", notice: "crossconnects.done.removal" });
    expect(await body(await opsAct(w.ops.ops_admin.cookie, id, { intent: "remove", removedOn: today() }))).toEqual({ intent: "remove", notice: "crossconnects.done.remove" });
    const row = await t.db.selectFrom("cross_connect_orders").select(["status", "installed_on", "removed_on", "test_result"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "removed", installed_on: today(), removed_on: today(), test_result: "loss 0.4 dB, pass" });
    const audit = await t.db.selectFrom("audit_log").select(["action", "actor_email", "ip"]).where("entity_id", "=", id).orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["crossconnect.ordered", "crossconnect.ports_assigned", "crossconnect.installed", "crossconnect.removal_requested", "crossconnect.removed"]);
    expect(audit[1]).toMatchObject({ actor_email: w.ops.ops_noc.email, ip: "198.51.100.7" });
  });

  test("the operators' queue shows cross-connect orders waiting for someone beside requests, and the audit log links to them", async () => {
    const res = await order(w.a.owner.cookie, orderFields({ zKind: "tenant", zOrgId: w.org.z.id }));
    const id = idFrom(res);
    const queue = await body(await call(queuePage.loader, getRequest("/ops/requests", { cookie: w.ops.ops_noc.cookie })));
    expect(queue.crossConnects.find((o: { id: string }) => o.id === id)).toMatchObject({ status: "pending_acceptance", z_kind: "tenant", z_name: "Togo Cloud SARL" });
    const audit = await listAudit(t.db, { page: 1, entityId: id });
    expect(audit.rows[0]).toMatchObject({ action: "crossconnect.ordered", entity: { name: `XC-${id.slice(0, 8).toUpperCase()}`, href: `/ops/cross-connects/${id}` } });
  });

  test("carriers per site: the NOC adds and withdraws them; the same name twice (any case) is refused; finance only reads", async () => {
    const post = (fields: Record<string, string>, cookie = w.ops.ops_noc.cookie, siteCode = "BZV") => call(carriersPage.action, formRequest(`/ops/sites/${siteCode}/carriers`, fields, { cookie }), { siteCode });
    expect(await body(await post({ intent: "add", name: "  MTN Congo  " }))).toEqual({ intent: "add", notice: "crossconnects.carriers.added" });
    const dup = await post({ intent: "add", name: "mtn congo" });
    expect(dup.status).toBe(409);
    expect((await body(dup)).errors).toEqual({ name: "crossconnects.carriers.duplicate" });
    const before = await writes();
    for (const name of ["A", "x".repeat(81), "Airtel\u0000", "Airtel\tCongo", "Air\u0085tel"]) expect((await post({ intent: "add", name })).status, JSON.stringify(name)).toBe(400);
    expect((await post({ intent: "add", name: "Airtel" }, w.ops.ops_finance.cookie)).status).toBe(403);
    expect((await post({ intent: "add", name: "Airtel" }, w.a.owner.cookie)).status).toBe(404);
    expect((await post({ intent: "add", name: "Airtel" }, w.ops.ops_noc.cookie, "ZZZ")).status).toBe(404);
    expect((await post({ intent: "active", carrierId: w.carriers.togocom, active: "false" })).status).toBe(404); // Togocom is at LDC, not BZV
    expect((await post({ intent: "active", carrierId: "nope", active: "maybe" })).status).toBe(400);
    expect(await writes()).toEqual(before);
    const list = await body(await call(carriersPage.loader, getRequest("/ops/sites/BZV/carriers", { cookie: w.ops.ops_finance.cookie }), { siteCode: "BZV" }));
    expect(list.canManage).toBe(false);
    const mtn = list.carriers.find((c: { name: string }) => c.name === "MTN Congo");
    expect(mtn).toMatchObject({ is_active: true, orders: 0 });
    expect(await body(await post({ intent: "active", carrierId: mtn.id, active: "false" }))).toEqual({ intent: "active", notice: "crossconnects.carriers.updated" });
    expect(await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", mtn.id).orderBy("id").execute()).toEqual([{ action: "carrier.created" }, { action: "carrier.deactivated" }]);
  });
});
