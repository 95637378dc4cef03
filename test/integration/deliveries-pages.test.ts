import * as tenantList from "~/routes/app.desk.deliveries._index";
import * as newPage from "~/routes/app.desk.deliveries.new";
import * as tenantPage from "~/routes/app.desk.deliveries.$deliveryId";
import * as sitePage from "~/routes/ops.desk.$siteCode.deliveries";
import * as opsPage from "~/routes/ops.desk.deliveries.$deliveryId";
import { fr } from "~/i18n/fr";
import { en } from "~/i18n/en";
import { dayIn } from "~/utils/dates";
import { createTestDb, type TestDb } from "../support/db";
import { count } from "../support/factories";
import { BASE, body, call, formRequest, getRequest } from "../support/http";
import { deliveriesWorld, OPERATOR_ROLES, TENANT_ROLES, type DeliveriesWorld } from "./deliveries-world";

/**
 * The delivery pages called as Remix would, with real requests and sessions: every tenant and
 * operator role, another tenant's ids (404 on loader and action), hostile input (4xx with a message
 * that exists in French and English, never 5xx, nothing written).
 */
let t: TestDb;
let w: DeliveriesWorld;

beforeAll(async () => {
  t = await createTestDb({ reference: true });
  w = await deliveriesWorld(t.db);
});
afterAll(() => t.cleanup());

const today = () => dayIn("Africa/Lome");
const fields = (over: Record<string, string> = {}) => ({
  siteId: w.ldc.id,
  rackId: w.rack.kossi.id,
  carrier: "DHL Express",
  trackingNumber: "JD014600006281230",
  parcels: "3",
  expectedOn: today(),
  purpose: "Deux serveurs et leurs rails",
  ...over,
});
const announce = (cookie: string, f: Record<string, string> = fields()) => call(newPage.action, formRequest("/app/desk/deliveries/new", f, { cookie }));
const tenantAct = (cookie: string, deliveryId: string, f: Record<string, string>) => call(tenantPage.action, formRequest(`/app/desk/deliveries/${deliveryId}`, f, { cookie }), { deliveryId });
const opsAct = (cookie: string, deliveryId: string, f: Record<string, string>) => call(opsPage.action, formRequest(`/ops/desk/deliveries/${deliveryId}`, f, { cookie }), { deliveryId });
const idFrom = (res: Response) => res.headers.get("Location")!.split("/").pop()!;
const writes = async () => ({ deliveries: await count(t.db, "deliveries"), events: await count(t.db, "delivery_events"), audit: await count(t.db, "audit_log"), mails: await count(t.db, "email_outbox") });
/** Every message key an answer carries exists in both languages. */
function localized(data: { errors?: Record<string, string>; formError?: string }) {
  const keys = [...Object.values(data.errors ?? {}), ...(data.formError ? [data.formError] : [])];
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) {
    expect(fr[key as keyof typeof fr], key).toBeTruthy();
    expect(en[key as keyof typeof en], key).toBeTruthy();
    expect(fr[key as keyof typeof fr]).not.toBe(en[key as keyof typeof en]);
  }
}

async function announced(cookie = w.kossi.technical.cookie) {
  const res = await announce(cookie);
  expect(res.status).toBe(302);
  return idFrom(res);
}

describe("tenants", () => {
  test("announcing: owner, admin and technical are redirected to the new delivery; billing and viewer get 403 and nothing is written", async () => {
    for (const role of TENANT_ROLES) {
      const before = await writes();
      const res = await announce(w.kossi[role].cookie);
      if (role === "billing" || role === "viewer") {
        expect(res.status, role).toBe(403);
        expect(await writes(), role).toEqual(before);
      } else {
        expect(res.status, role).toBe(302);
        expect(res.headers.get("Location"), role).toMatch(/^\/app\/desk\/deliveries\/[0-9a-f-]{36}$/);
      }
    }
    // Every role reads the list and the form's choices: its sites and its racks only.
    const viewer = await body(await call(newPage.loader, getRequest("/app/desk/deliveries/new", { cookie: w.kossi.viewer.cookie })));
    expect(viewer.canAnnounce).toBe(false);
    expect(viewer.sites.map((s: { code: string }) => s.code)).toEqual(["KIN", "LDC"]);
    // The rack held until 31 March 2026 is no longer offered; Togo Cloud's never is.
    expect(viewer.racks.map((r: { id: string }) => r.id).sort()).toEqual([w.rack.kossi.id, w.rack.kin.id].sort());
    const list = await body(await call(tenantList.loader, getRequest("/app/desk/deliveries?show=open", { cookie: w.kossi.viewer.cookie })));
    expect(list.deliveries).toHaveLength(3);
    expect((await body(await call(tenantList.loader, getRequest("/app/desk/deliveries?show=done", { cookie: w.kossi.viewer.cookie })))).deliveries).toHaveLength(0);
    expect((await body(await call(tenantList.loader, getRequest("/app/desk/deliveries?show=<script>", { cookie: w.kossi.viewer.cookie })))).show).toBe("open");
    // Togo Cloud sees none of them.
    expect((await body(await call(tenantList.loader, getRequest("/app/desk/deliveries?show=all", { cookie: w.togo.cookie })))).deliveries).toHaveLength(0);
  });

  test("another tenant's delivery is 404 on the page and on its action, and nothing moves", async () => {
    const id = await announced();
    const before = await writes();
    expect((await call(tenantPage.loader, getRequest(`/app/desk/deliveries/${id}`, { cookie: w.togo.cookie }), { deliveryId: id })).status).toBe(404);
    expect((await tenantAct(w.togo.cookie, id, { intent: "cancel" })).status).toBe(404);
    expect((await call(tenantPage.loader, getRequest("/app/desk/deliveries/not-a-uuid", { cookie: w.kossi.owner.cookie }), { deliveryId: "not-a-uuid" })).status).toBe(404);
    // A tenant is not an operator: the operators' pages do not exist for it.
    expect((await call(opsPage.loader, getRequest(`/ops/desk/deliveries/${id}`, { cookie: w.kossi.owner.cookie }), { deliveryId: id })).status).toBe(404);
    expect((await opsAct(w.kossi.owner.cookie, id, { intent: "collect" })).status).toBe(404);
    expect(await writes()).toEqual(before);
    expect((await t.db.selectFrom("deliveries").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status).toBe("announced");
    // Its own members: the viewer reads the timeline but may not cancel (403); the admin cancels.
    const page = await body(await call(tenantPage.loader, getRequest(`/app/desk/deliveries/${id}`, { cookie: w.kossi.viewer.cookie }), { deliveryId: id }));
    expect(page.canCancel).toBe(false);
    expect(page.delivery.events.map((e: { kind: string }) => e.kind)).toEqual(["announced"]);
    expect((await tenantAct(w.kossi.viewer.cookie, id, { intent: "cancel" })).status).toBe(403);
    expect((await tenantAct(w.kossi.admin.cookie, id, { intent: "cancel" })).status).toBe(200);
    const again = await tenantAct(w.kossi.admin.cookie, id, { intent: "cancel" });
    expect(again.status).toBe(409);
    localized(await body(again));
  });

  test("another tenant's rack, another site's rack, a terminated contract: a localized 400, nothing written", async () => {
    const before = await writes();
    for (const [cookie, over, field] of [
      [w.kossi.owner.cookie, { rackId: w.rack.togo.id }, "rackId"],
      [w.kossi.owner.cookie, { rackId: w.rack.kin.id }, "rackId"],
      [w.ancien.cookie, { rackId: "" }, "siteId"],
      [w.togo.cookie, { siteId: w.kin.id, rackId: "" }, "siteId"],
    ] as const) {
      const res = await announce(cookie, fields(over));
      expect(res.status, JSON.stringify(over)).toBe(400);
      const data = await body(res);
      expect(Object.keys(data.errors)).toEqual([field]);
      localized(data);
    }
    expect(await writes()).toEqual(before);
  });

  test("hostile input: control characters, parcel counts, impossible years, over-long text, wrong content types — 4xx, localized, nothing written", async () => {
    const before = await writes();
    const cases: [Record<string, string>, string][] = [
      [{ carrier: "DHL\u0000" }, "carrier"],
      [{ carrier: "DHL\tExpress" }, "carrier"],
      [{ trackingNumber: "JD01\n4600" }, "trackingNumber"],
      [{ purpose: "serveurs\u2028rails" }, "purpose"],
      [{ purpose: "\u001b[31mrouge" }, "purpose"],
      [{ parcels: "0" }, "parcels"],
      [{ parcels: "-1" }, "parcels"],
      [{ parcels: "1000" }, "parcels"],
      [{ parcels: "2147483648" }, "parcels"],
      [{ parcels: "99999999999999999999999" }, "parcels"],
      [{ parcels: "2.5" }, "parcels"],
      [{ parcels: "" }, "parcels"],
      [{ expectedOn: "0000-01-01" }, "expectedOn"],
      [{ expectedOn: "9999-12-31" }, "expectedOn"],
      [{ expectedOn: "2026-02-30" }, "expectedOn"],
      [{ expectedOn: "+020000-01-01" }, "expectedOn"],
      [{ expectedOn: "2099-01-01" }, "expectedOn"],
      [{ purpose: "x".repeat(501) }, "purpose"],
      [{ carrier: "x".repeat(81) }, "carrier"],
      [{ trackingNumber: "x".repeat(101) }, "trackingNumber"],
      [{ siteId: "not-a-site" }, "siteId"],
      [{ siteId: "" }, "siteId"],
      [{ rackId: "'; DROP TABLE deliveries; --" }, "rackId"],
    ];
    for (const [over, field] of cases) {
      const res = await announce(w.kossi.owner.cookie, fields(over));
      expect(res.status, JSON.stringify(over)).toBe(400);
      const data = await body(res);
      expect(Object.keys(data.errors), JSON.stringify(over)).toContain(field);
      localized(data);
    }
    // Not a form: JSON, text, no content type → 415; a body past the limit → 413.
    for (const type of ["application/json", "text/plain", ""]) {
      const headers = new Headers({ Origin: BASE, Cookie: w.kossi.owner.cookie });
      if (type) headers.set("Content-Type", type);
      const res = await call(newPage.action, new Request(`${BASE}/app/desk/deliveries/new`, { method: "POST", headers, body: JSON.stringify(fields()) }));
      expect(res.status, type).toBe(415);
    }
    const huge = await announce(w.kossi.owner.cookie, fields({ purpose: "x".repeat(1_100_000) }));
    expect(huge.status).toBe(413);
    expect(await writes()).toEqual(before);
  });
});

describe("operators", () => {
  test("roles: ops_noc and ops_admin handle a delivery, ops_finance reads it and gets 403 on every step", async () => {
    const id = await announced();
    for (const role of OPERATOR_ROLES) {
      const page = await body(await call(opsPage.loader, getRequest(`/ops/desk/deliveries/${id}`, { cookie: w.ops[role].cookie }), { deliveryId: id }));
      expect(page.canAct, role).toBe(role !== "ops_finance");
    }
    const before = await writes();
    for (const intent of ["receive", "store", "deliver", "collect"]) {
      expect((await opsAct(w.ops.ops_finance.cookie, id, { intent, parcelsReceived: "3", condition: "good" })).status, intent).toBe(403);
    }
    expect(await writes()).toEqual(before);
    expect((await opsAct(w.ops.ops_noc.cookie, id, { intent: "receive", parcelsReceived: "3", condition: "good" })).status).toBe(200);
    expect((await opsAct(w.ops.ops_admin.cookie, id, { intent: "store", storageLocation: "Magasin B" })).status).toBe(200);
    const delivered = await opsAct(w.ops.ops_noc.cookie, id, { intent: "deliver" });
    expect(await body(delivered)).toEqual({ intent: "deliver", notice: "deliveries.done.deliver" });
    // The tenant's timeline: every step, the operators' names kept inside.
    const page = await body(await call(tenantPage.loader, getRequest(`/app/desk/deliveries/${id}`, { cookie: w.kossi.owner.cookie }), { deliveryId: id }));
    expect(page.delivery.events.map((e: { kind: string; by_name: string | null }) => [e.kind, e.by_name])).toEqual([
      ["announced", w.kossi.technical.name],
      ["received", null],
      ["stored", null],
      ["delivered", null],
    ]);
    // A step after the end: 409 with a localized message, nothing written.
    const after = await writes();
    const late = await opsAct(w.ops.ops_noc.cookie, id, { intent: "collect" });
    expect(late.status).toBe(409);
    localized(await body(late));
    expect(await writes()).toEqual(after);
  });

  test("hostile receipts: counts 0 / negative / past the column, a condition not on the list, damaged without a note, control characters — 400, nothing written", async () => {
    const id = await announced();
    const before = await writes();
    const cases: [Record<string, string>, string][] = [
      [{ parcelsReceived: "0", condition: "good" }, "parcelsReceived"],
      [{ parcelsReceived: "-3", condition: "good" }, "parcelsReceived"],
      [{ parcelsReceived: "1000", condition: "good" }, "parcelsReceived"],
      [{ parcelsReceived: "1e3", condition: "good" }, "parcelsReceived"],
      [{ parcelsReceived: "3", condition: "broken" }, "condition"],
      [{ parcelsReceived: "3", condition: "damaged", damageNote: "" }, "damageNote"],
      [{ parcelsReceived: "3", condition: "damaged", damageNote: "carton\u0007enfoncé" }, "damageNote"],
      [{ parcelsReceived: "3", condition: "damaged", damageNote: "x".repeat(1001) }, "damageNote"],
    ];
    for (const [over, field] of cases) {
      const res = await opsAct(w.ops.ops_noc.cookie, id, { intent: "receive", ...over });
      expect(res.status, JSON.stringify(over)).toBe(400);
      const data = await body(res);
      expect(Object.keys(data.errors), JSON.stringify(over)).toContain(field);
      localized(data);
    }
    expect((await opsAct(w.ops.ops_noc.cookie, id, { intent: "explode" })).status).toBe(400);
    expect((await opsAct(w.ops.ops_noc.cookie, "00000000-0000-4000-8000-000000000000", { intent: "receive", parcelsReceived: "3", condition: "good" })).status).toBe(404);
    expect(await writes()).toEqual(before);
    // The store form's location is one line, 100 characters at most.
    expect((await opsAct(w.ops.ops_noc.cookie, id, { intent: "receive", parcelsReceived: "2", condition: "good" })).status).toBe(200);
    expect((await opsAct(w.ops.ops_noc.cookie, id, { intent: "store", storageLocation: "x".repeat(101) })).status).toBe(400);
    expect((await opsAct(w.ops.ops_noc.cookie, id, { intent: "store", storageLocation: "B\r\n2" })).status).toBe(400);
  });

  test("the site's keeping period: set by the NOC (audited), refused outside 1–365 and to ops_finance, nothing written then", async () => {
    const set = (cookie: string, value: string, siteCode = "BZV") => call(sitePage.action, formRequest(`/ops/desk/${siteCode}/deliveries`, { intent: "keepDays", parcelKeepDays: value }, { cookie }), { siteCode });
    const keep = async () => (await t.db.selectFrom("sites").select("parcel_keep_days").where("code", "=", "BZV").executeTakeFirstOrThrow()).parcel_keep_days;
    const audits = () => t.db.selectFrom("audit_log").select(["before", "after", "actor_email"]).where("action", "=", "delivery.keep_days_changed").execute();
    const before = await writes();
    expect((await set(w.ops.ops_finance.cookie, "7")).status).toBe(403);
    expect((await set(w.kossi.owner.cookie, "7")).status).toBe(404);
    for (const value of ["0", "366", "-1", "abc", "", "7\u0000", "99999999999999999999"]) {
      const res = await set(w.ops.ops_noc.cookie, value);
      expect(res.status, value).toBe(400);
      localized(await body(res));
    }
    expect((await set(w.ops.ops_noc.cookie, "7", "XXX")).status).toBe(404);
    expect(await writes()).toEqual(before);
    expect(await keep()).toBe(14);
    expect((await set(w.ops.ops_noc.cookie, "7")).status).toBe(200);
    expect(await keep()).toBe(7);
    const [entry] = await audits();
    expect(entry.actor_email).toBe(w.ops.ops_noc.email);
    expect([entry.before, entry.after].map((v) => (typeof v === "string" ? JSON.parse(v) : v))).toEqual([{ parcel_keep_days: 14 }, { parcel_keep_days: 7 }]);
    const page = await body(await call(sitePage.loader, getRequest("/ops/desk/BZV/deliveries", { cookie: w.ops.ops_noc.cookie }), { siteCode: "BZV" }));
    expect(page.site.parcel_keep_days).toBe(7);
    expect(page.canSet).toBe(true);
  });

  test("a parcel nobody announced: recorded and received by the NOC for a tenant of the site, who is told and reads it as recorded on arrival", async () => {
    const record = (cookie: string, over: Record<string, string> = {}, siteCode = "LDC") =>
      call(sitePage.action, formRequest(`/ops/desk/${siteCode}/deliveries`, { intent: "unannounced", orgId: w.org.togo.id, carrier: "Chronopost", trackingNumber: "XY123456789FR", purpose: "Carton Dell, expéditeur inconnu", parcelsReceived: "1", condition: "good", ...over }, { cookie }), { siteCode });
    const before = await writes();
    expect((await record(w.ops.ops_finance.cookie)).status).toBe(403);
    for (const [over, siteCode, field] of [
      [{ orgId: w.org.ancien.id }, "LDC", "orgId"],
      [{ orgId: w.org.togo.id }, "KIN", "orgId"],
      [{ orgId: "nope" }, "LDC", "orgId"],
      [{ parcelsReceived: "0" }, "LDC", "parcelsReceived"],
      [{ condition: "damaged" }, "LDC", "damageNote"],
      [{ carrier: "Chrono\u0000post" }, "LDC", "carrier"],
    ] as const) {
      const res = await record(w.ops.ops_noc.cookie, over, siteCode);
      expect(res.status, JSON.stringify(over)).toBe(400);
      const data = await body(res);
      expect(Object.keys(data.errors), JSON.stringify(over)).toContain(field);
      localized(data);
    }
    expect(await writes()).toEqual(before);
    const res = await record(w.ops.ops_noc.cookie);
    expect(res.status).toBe(200);
    const { deliveryId } = await body(res);
    const row = await t.db.selectFrom("deliveries").selectAll().where("id", "=", deliveryId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ org_id: w.org.togo.id, status: "received", parcels_announced: 1, parcels_received: 1, rack_id: null, announced_by: w.ops.ops_noc.id });
    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", deliveryId).orderBy("at").orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["delivery.recorded_unannounced", "delivery.received"]);
    const mails = await t.db.selectFrom("email_outbox").select(["template", "to_address"]).where("to_address", "=", w.togo.email).execute();
    expect(mails).toEqual([{ template: "delivery_received", to_address: w.togo.email }]);
    const page = await body(await call(tenantPage.loader, getRequest(`/app/desk/deliveries/${deliveryId}`, { cookie: w.togo.cookie }), { deliveryId }));
    expect(page.delivery.events.map((e: { kind: string; by_name: string | null; recorded: boolean }) => [e.kind, e.by_name, e.recorded])).toEqual([
      ["announced", null, true],
      ["received", null, false],
    ]);
    expect((await call(tenantPage.loader, getRequest(`/app/desk/deliveries/${deliveryId}`, { cookie: w.kossi.owner.cookie }), { deliveryId })).status).toBe(404);
  });

  test("the site's queue page: its deliveries only, unknown site 404", async () => {
    const id = await announced();
    const ldc = await body(await call(sitePage.loader, getRequest("/ops/desk/LDC/deliveries", { cookie: w.ops.ops_finance.cookie }), { siteCode: "LDC" }));
    expect(ldc.deliveries.map((d: { id: string }) => d.id)).toContain(id);
    const kin = await body(await call(sitePage.loader, getRequest("/ops/desk/KIN/deliveries", { cookie: w.ops.ops_noc.cookie }), { siteCode: "KIN" }));
    expect(kin.deliveries.map((d: { id: string }) => d.id)).not.toContain(id);
    expect((await call(sitePage.loader, getRequest("/ops/desk/XXX/deliveries", { cookie: w.ops.ops_noc.cookie }), { siteCode: "XXX" })).status).toBe(404);
    expect((await call(sitePage.loader, getRequest("/ops/desk/LDC/deliveries", { cookie: w.kossi.owner.cookie }), { siteCode: "LDC" })).status).toBe(404);
  });
});
