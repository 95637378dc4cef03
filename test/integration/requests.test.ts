import { createTestDb, type TestDb } from "../support/db";
import { body, call, formRequest, getRequest } from "../support/http";
import { count, createOrg, outbox, signedIn } from "../support/factories";
import { action as newAction, loader as newLoader } from "~/routes/app.requests.new";
import { loader as listLoader } from "~/routes/app.requests._index";
import { action as requestAction, loader as requestLoader } from "~/routes/app.requests.$requestId";
import { loader as availabilityLoader } from "~/routes/app.requests.availability";
import { loader as servicesLoader } from "~/routes/app.services._index";
import { action as contractAction, loader as contractLoader } from "~/routes/app.services.$contractId";

let t: TestDb;
let site: Record<"LDC" | "KIN" | "BZV", string>;
beforeEach(async () => {
  t = await createTestDb({ reference: true });
  const rows = await t.db.selectFrom("sites").select(["id", "code"]).execute();
  site = Object.fromEntries(rows.map((r) => [r.code, r.id])) as typeof site;
});
afterEach(async () => {
  await t.cleanup();
});

const submit = (cookie: string, fields: Record<string, string>) => call(newAction, formRequest("/app/requests/new", fields, { cookie }));
const startIn2Weeks = () => new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
const small = () => ({
  siteId: site.LDC,
  desiredStartOn: startIn2Weeks(),
  termMonths: "12",
  qty_rack_unit: "10",
  qty_power_commit_kw: "2",
  qty_bandwidth_commit_mbps: "50",
});
const nothingWritten = async () => {
  expect(await count(t.db, "requests")).toBe(0);
  expect(await count(t.db, "request_lines")).toBe(0);
  expect(await count(t.db, "email_outbox")).toBe(0);
  expect(await count(t.db, "audit_log")).toBe(0);
};
const idFrom = (location: string | null) => location!.split("?")[0].split("/").pop()!;

async function technicalOf(opts: { status?: "pending" | "verified" | "suspended" } = {}) {
  const org = await createOrg(t.db, opts);
  const user = await signedIn(t.db, { orgId: org.id, role: "technical" });
  return { org, user };
}

test("a verified organisation's technical member submits 10U + 2 kW + 50 Mbps at LDC", async () => {
  const { org, user } = await technicalOf();
  const form = await call(newLoader, getRequest("/app/requests/new", { cookie: user.cookie }));
  expect(form.status).toBe(200);
  const page = await body(form);
  expect(page.sites.map((s: { code: string }) => s.code)).toEqual(["BZV", "KIN", "LDC"]);
  expect(page.defaults.siteId).toBe(site.LDC); // the organisation is in Togo
  expect(page.defaults.desiredStartOn).toBe(startIn2Weeks());

  const res = await submit(user.cookie, { ...small(), notes: "  Deux serveurs 5U  " });
  expect(res.status).toBe(302);
  const location = res.headers.get("Location")!;
  const requestId = idFrom(location);
  expect(location).toBe(`/app/requests/${requestId}?sent=1`);

  const row = await t.db.selectFrom("requests").selectAll().where("id", "=", requestId).executeTakeFirstOrThrow();
  expect(row).toMatchObject({ org_id: org.id, site_id: site.LDC, status: "pending", term_months: 12, notes: "Deux serveurs 5U", created_by: user.id });
  const lines = await t.db.selectFrom("request_lines").select(["kind", "quantity"]).where("request_id", "=", requestId).orderBy("kind").execute();
  expect(lines).toEqual([
    { kind: "bandwidth_commit_mbps", quantity: 50 },
    { kind: "power_commit_kw", quantity: 2 },
    { kind: "rack_unit", quantity: 10 },
  ]);
  const [mail] = await outbox(t.db, user.email);
  expect(mail.template).toBe("request_received");
  expect(mail.text).toContain(`/app/requests/${requestId}`);
  const audit = await t.db.selectFrom("audit_log").select(["action", "org_id", "entity_id", "actor_user_id"]).execute();
  expect(audit).toEqual([{ action: "request.submitted", org_id: org.id, entity_id: requestId, actor_user_id: user.id }]);

  // The list and the request page show it.
  const list = await body(await call(listLoader, getRequest("/app/requests", { cookie: user.cookie })));
  expect(list.canCreate).toBe(true);
  expect(list.requests).toEqual([expect.objectContaining({ id: requestId, status: "pending", siteCode: "LDC", contractId: null })]);
  const detail = await body(await call(requestLoader, getRequest(location, { cookie: user.cookie }), { requestId }));
  expect(detail.canCancel).toBe(true);
  expect(detail.request.lines).toHaveLength(3);
  // By hand, LDC price list (XOF): 10 × 15 000 + 2 × 45 000 + 50 × 18 000 = 1 140 000; VAT 18 % = 205 200.
  expect(detail.request.quote).toMatchObject({ monthlyMinor: 1_140_000, setupMinor: 0, subtotalMinor: 1_140_000, vatMinor: 205_200, totalMinor: 1_345_200, monthlyTotalMinor: 1_345_200 });
});

test("the quote on the request page equals a hand computation, setup fees and VAT exemption included", async () => {
  const { user } = await technicalOf();
  const res = await submit(user.cookie, { ...small(), qty_cross_connect: "1" });
  expect(res.status).toBe(302);
  const requestId = idFrom(res.headers.get("Location"));
  const { request } = await body(await call(requestLoader, getRequest(`/app/requests/${requestId}`, { cookie: user.cookie }), { requestId }));
  // 1 140 000 + 30 000 monthly; 75 000 setup; subtotal 1 245 000; VAT 18 % = 224 100.
  expect(request.quote).toMatchObject({
    monthlyMinor: 1_170_000,
    setupMinor: 75_000,
    subtotalMinor: 1_245_000,
    vatMinor: 224_100,
    totalMinor: 1_469_100,
    monthlyTotalMinor: 1_380_600, // 1 170 000 + 210 600
  });
  expect(request.currency).toBe("XOF");
  expect(request.vatRateBp).toBe(1800);

  // A VAT-exempt agency at Kinshasa (USD cents): 4U × 30.00 + 1 kW × 90.00 = 210.00, no VAT.
  const agency = await createOrg(t.db);
  await t.db.updateTable("organisations").set({ is_vat_exempt: true }).where("id", "=", agency.id).execute();
  const tech = await signedIn(t.db, { orgId: agency.id, role: "technical" });
  const kin = await submit(tech.cookie, { siteId: site.KIN, desiredStartOn: startIn2Weeks(), termMonths: "24", qty_rack_unit: "4", qty_power_commit_kw: "1" });
  const kinId = idFrom(kin.headers.get("Location"));
  const kinPage = await body(await call(requestLoader, getRequest(`/app/requests/${kinId}`, { cookie: tech.cookie }), { requestId: kinId }));
  expect(kinPage.request).toMatchObject({ currency: "USD", isVatExempt: true });
  expect(kinPage.request.quote).toMatchObject({ monthlyMinor: 21_000, vatMinor: 0, totalMinor: 21_000, monthlyTotalMinor: 21_000 });
});

test("bad input is a 400 with a message beside each field, and nothing is written", async () => {
  const { user } = await technicalOf();
  const cases: [Record<string, string>, Record<string, string>][] = [
    [{ qty_rack_unit: "-3" }, { qty_rack_unit: "requests.error.quantity" }],
    [{ qty_rack_unit: "abc" }, { qty_rack_unit: "requests.error.quantity" }],
    [{ qty_rack_unit: "2.5" }, { qty_rack_unit: "requests.error.quantity" }],
    [{ qty_rack_unit: "", qty_power_commit_kw: "", qty_bandwidth_commit_mbps: "0" }, { lines: "requests.error.no_lines" }],
    [{ siteId: "4f1c2d3e-0000-4000-8000-000000000000" }, { siteId: "requests.error.unknown_site" }],
    [{ siteId: "LDC" }, { siteId: "requests.error.site" }],
    [{ desiredStartOn: "2026-02-30" }, { desiredStartOn: "requests.error.date" }],
    [{ desiredStartOn: "demain" }, { desiredStartOn: "requests.error.date" }],
    [{ termMonths: "18" }, { termMonths: "error.invalidChoice" }],
    [{ desiredStartOn: "2020-01-01" }, { desiredStartOn: "requests.error.start_in_past" }],
    [{ qty_rack_unit: "", qty_power_commit_kw: "2", qty_bandwidth_commit_mbps: "" }, { qty_power_commit_kw: "requests.error.power_without_space" }],
  ];
  for (const [change, errors] of cases) {
    const res = await submit(user.cookie, { ...small(), ...change });
    expect(res.status, JSON.stringify(change)).toBe(400);
    const data = await body(res);
    expect(data.errors, JSON.stringify(change)).toEqual(errors);
    // The form comes back with what was typed.
    expect(data.values).toMatchObject(change);
  }
  await nothingWritten();
});

test("the page without JavaScript: 'update' recomputes availability on the server and writes nothing", async () => {
  const { user } = await technicalOf();
  const res = await submit(user.cookie, { ...small(), intent: "preview" });
  expect(res.status).toBe(200);
  const data = await body(res);
  expect(data.availability).toEqual({ ok: true, shortages: [], bandwidthFreeMbps: 15_000 });
  expect(data.values).toMatchObject({ qty_rack_unit: "10" });
  await nothingWritten();
});

test("an organisation that is not verified yet cannot submit", async () => {
  const { user } = await technicalOf({ status: "pending" });
  const res = await submit(user.cookie, small());
  expect(res.status).toBe(403);
  expect((await body(res)).formError).toBe("requests.error.org_not_verified");
  await nothingWritten();
  const list = await body(await call(listLoader, getRequest("/app/requests", { cookie: user.cookie })));
  expect(list.orgStatus).toBe("pending");
});

test("billing and viewer members read requests but get 403 on submit and on the form", async () => {
  const org = await createOrg(t.db);
  for (const role of ["billing", "viewer"] as const) {
    const user = await signedIn(t.db, { orgId: org.id, role });
    expect((await submit(user.cookie, small())).status).toBe(403);
    expect((await call(newLoader, getRequest("/app/requests/new", { cookie: user.cookie }))).status).toBe(403);
    const list = await call(listLoader, getRequest("/app/requests", { cookie: user.cookie }));
    expect(list.status).toBe(200);
    expect((await body(list)).canCreate).toBe(false);
  }
  await nothingWritten();
  // Signed out: to the sign-in page.
  const anonymous = await call(newAction, formRequest("/app/requests/new", small()));
  expect(anonymous.status).toBe(302);
  expect(anonymous.headers.get("Location")).toMatch(/^\/signin/);
});

test("a request can be cancelled while pending only, by a member who may submit", async () => {
  const { org, user } = await technicalOf();
  const requestId = idFrom((await submit(user.cookie, small())).headers.get("Location"));
  const cancel = (cookie: string) => call(requestAction, formRequest(`/app/requests/${requestId}`, { intent: "cancel" }, { cookie }), { requestId });

  const viewer = await signedIn(t.db, { orgId: org.id, role: "viewer" });
  expect((await cancel(viewer.cookie)).status).toBe(403);
  const viewerPage = await body(await call(requestLoader, getRequest(`/app/requests/${requestId}`, { cookie: viewer.cookie }), { requestId }));
  expect(viewerPage.canCancel).toBe(false);

  const res = await cancel(user.cookie);
  expect(res.status).toBe(302);
  expect(res.headers.get("Location")).toBe(`/app/requests/${requestId}`);
  expect((await t.db.selectFrom("requests").select("status").where("id", "=", requestId).executeTakeFirstOrThrow()).status).toBe("cancelled");

  const again = await cancel(user.cookie);
  expect(again.status).toBe(409);
  expect((await body(again)).formError).toBe("requests.error.not_pending");
  const page = await body(await call(requestLoader, getRequest(`/app/requests/${requestId}`, { cookie: user.cookie }), { requestId }));
  expect(page.canCancel).toBe(false);
  expect(page.request.status).toBe("cancelled");
  const actions = (await t.db.selectFrom("audit_log").select("action").orderBy("id").execute()).map((a) => a.action);
  expect(actions).toEqual(["request.submitted", "request.cancelled"]);

  // Neither can a rejected request be cancelled; its page gives the reason.
  const rejectedId = idFrom((await submit(user.cookie, small())).headers.get("Location"));
  await t.db.updateTable("requests").set({ status: "rejected", rejection_reason: "Salle B en travaux", decided_at: new Date() }).where("id", "=", rejectedId).execute();
  const rejected = await call(requestAction, formRequest(`/app/requests/${rejectedId}`, { intent: "cancel" }, { cookie: user.cookie }), { requestId: rejectedId });
  expect(rejected.status).toBe(409);
  const rejectedPage = await body(await call(requestLoader, getRequest(`/app/requests/${rejectedId}`, { cookie: user.cookie }), { requestId: rejectedId }));
  expect(rejectedPage.request).toMatchObject({ status: "rejected", rejectionReason: "Salle B en travaux" });
});

test("the availability route answers ok for a small request and lists what is short for 100 full racks and 50 Gbps", async () => {
  const { user } = await technicalOf();
  const ask = (params: Record<string, string>) =>
    call(availabilityLoader, getRequest(`/app/requests/availability?${new URLSearchParams(params)}`, { cookie: user.cookie }));

  const ok = await ask(small());
  expect(ok.status).toBe(200);
  expect(await body(ok)).toEqual({ ok: true, shortages: [], bandwidthFreeMbps: 15_000 }); // 10 000 Mbps × 1.5

  const big = await ask({ siteId: site.LDC, desiredStartOn: startIn2Weeks(), termMonths: "36", qty_full_rack: "100", qty_bandwidth_commit_mbps: "50000" });
  expect(big.status).toBe(200);
  const answer = await body(big);
  expect(answer.ok).toBe(false);
  // LDC has 14 racks, 2 of them in maintenance.
  expect(answer.shortages).toEqual(
    expect.arrayContaining([
      { kind: "full_rack", needed: 100, available: 12 },
      { kind: "bandwidth", neededMbps: 50_000, availableMbps: 15_000 },
    ]),
  );
  expect(JSON.stringify(answer)).not.toMatch(/A0|B0|Salle/); // no rack names, only numbers

  // Units that fit in no rack, power beyond what racks have.
  const units = await body(await ask({ siteId: site.LDC, desiredStartOn: startIn2Weeks(), termMonths: "12", qty_rack_unit: "48" }));
  expect(units.shortages).toEqual([{ kind: "units", needed: 48, largestFreeRun: 47 }]);
  const power = await body(await ask({ siteId: site.LDC, desiredStartOn: startIn2Weeks(), termMonths: "12", qty_rack_unit: "2", qty_power_commit_kw: "11" }));
  // The 2U land in the tightest rack (B05, 6 kW): the power is checked against the racks the space lands in.
  expect(power.shortages).toEqual([{ kind: "power", neededW: 11_000, availableW: 6_000 }]);

  // Validated like the form.
  const bad = await ask({ siteId: site.LDC, desiredStartOn: "2026-13-01", termMonths: "12", qty_rack_unit: "-1" });
  expect(bad.status).toBe(400);
  expect((await body(bad)).errors).toEqual({ desiredStartOn: "requests.error.date", qty_rack_unit: "requests.error.quantity" });
  const unknown = await ask({ ...small(), siteId: "4f1c2d3e-0000-4000-8000-000000000000" });
  expect(unknown.status).toBe(400);
  const anonymous = await call(availabilityLoader, getRequest(`/app/requests/availability?${new URLSearchParams(small())}`));
  expect(anonymous.status).toBe(302);
});

/**
 * A contract at LDC, inserted directly: 10U + 2 kW + 50 Mbps + 1 cross-connect, rack A01 U1–U10, one
 * port. The 50 Mbps commitment is its bandwidth_commit_mbps line (at the catalogue price).
 */
async function contractFor(orgId: string, opts: { rack?: string; firstU?: number; lastU?: number; requestId?: string } = {}) {
  const products = await t.db.selectFrom("products").selectAll().where("site_id", "=", site.LDC).where("is_active", "=", true).execute();
  const contract = await t.db
    .insertInto("contracts")
    .values({ org_id: orgId, site_id: site.LDC, request_id: opts.requestId ?? null, start_on: "2026-12-01", term_months: 12 })
    .returning("id")
    .executeTakeFirstOrThrow();
  const line = (kind: string, quantity: number) => {
    const p = products.find((x) => x.kind === kind)!;
    return { contract_id: contract.id, product_id: p.id, kind: p.kind, name_fr: p.name_fr, name_en: p.name_en, quantity, unit_price_minor: p.unit_price_minor, setup_fee_minor: p.setup_fee_minor, currency: "XOF" as const };
  };
  await t.db
    .insertInto("contract_lines")
    .values([line("rack_unit", 10), line("power_commit_kw", 2), line("bandwidth_commit_mbps", 50), line("cross_connect", 1)])
    .execute();
  const rack = await t.db
    .selectFrom("racks as r")
    .innerJoin("rooms as m", "m.id", "r.room_id")
    .select(["r.id"])
    .where("m.site_id", "=", site.LDC)
    .where("m.name", "=", "Salle A")
    .where("r.name", "=", opts.rack ?? "A01")
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto("allocations")
    .values({ contract_id: contract.id, org_id: orgId, rack_id: rack.id, kind: "units", first_u: opts.firstU ?? 1, last_u: opts.lastU ?? 10, start_on: "2026-12-01", power_w: 2000 })
    .execute();
  return contract.id;
}

async function portFor(orgId: string, contractId: string) {
  const room = await t.db.selectFrom("rooms").select("id").where("site_id", "=", site.LDC).where("kind", "=", "meet_me_room").executeTakeFirstOrThrow();
  const port = await t.db.insertInto("cross_connect_ports").values({ site_id: site.LDC, room_id: room.id, name: "MMR-P01", media: "smf" }).returning("id").executeTakeFirstOrThrow();
  await t.db.insertInto("port_allocations").values({ contract_id: contractId, org_id: orgId, port_id: port.id, start_on: "2026-12-01" }).execute();
}

test("the services pages show the contract's frozen lines, totals, racks (neighbours anonymous) and ports", async () => {
  const { org, user } = await technicalOf();
  const requestId = idFrom((await submit(user.cookie, small())).headers.get("Location"));
  await t.db.updateTable("requests").set({ status: "approved", decided_at: new Date() }).where("id", "=", requestId).execute();
  const contractId = await contractFor(org.id, { requestId });
  await portFor(org.id, contractId);
  const neighbour = await createOrg(t.db, { name: "Voisin Secret SARL" });
  await contractFor(neighbour.id, { firstU: 20, lastU: 25 });

  // A later price change does not alter the contract.
  await t.db.updateTable("products").set({ unit_price_minor: 99_999 }).where("site_id", "=", site.LDC).where("kind", "=", "rack_unit").execute();

  const list = await body(await call(servicesLoader, getRequest("/app/services", { cookie: user.cookie })));
  expect(list.active).toEqual([expect.objectContaining({ id: contractId, siteCode: "LDC", startOn: "2026-12-01", termMonths: 12, monthlyMinor: 1_170_000, currency: "XOF" })]);
  expect(list.past).toEqual([]);

  const res = await call(contractLoader, getRequest(`/app/services/${contractId}`, { cookie: user.cookie }), { contractId });
  expect(res.status).toBe(200);
  const page = await body(res);
  // A technical member reads the contract; asking to end it is for owners and admins.
  expect(page.canTerminate).toBe(false);
  expect(page.contract.lines.map((l: { kind: string; quantity: number; unit_price_minor: number; monthlyMinor: number }) => [l.kind, l.quantity, l.unit_price_minor, l.monthlyMinor])).toEqual([
    // In the order of the request form.
    ["rack_unit", 10, 15_000, 150_000],
    ["power_commit_kw", 2, 45_000, 90_000],
    ["bandwidth_commit_mbps", 50, 18_000, 900_000],
    ["cross_connect", 1, 30_000, 30_000],
  ]);
  expect(page.contract.totals).toMatchObject({ monthlyMinor: 1_170_000, setupMinor: 75_000, monthlyTotalMinor: 1_380_600 });
  expect(page.contract).toMatchObject({ bandwidthMbps: 50, commitmentEndOn: "2027-11-30", requestId });
  expect(page.racks).toEqual([
    {
      id: expect.any(String),
      name: "A01",
      room: "Salle A",
      height: 42,
      mine: [expect.objectContaining({ kind: "units", firstU: 1, lastU: 10, powerW: 2000 })],
      others: [{ firstU: 20, lastU: 25 }],
    },
  ]);
  expect(page.contract.ports).toEqual([expect.objectContaining({ name: "MMR-P01", media: "smf" })]);
  // The neighbour is anonymous.
  expect(JSON.stringify(page)).not.toContain("Voisin Secret");
  expect(JSON.stringify(page)).not.toContain(neighbour.id);

  // The approved request links to its contract.
  const requestPage = await body(await call(requestLoader, getRequest(`/app/requests/${requestId}`, { cookie: user.cookie }), { requestId }));
  expect(requestPage.request.contractId).toBe(contractId);
});

test("a termination request: validated, written once, and only by owners and admins", async () => {
  const { org, user: technical } = await technicalOf();
  const user = await signedIn(t.db, { orgId: org.id, role: "admin" });
  const contractId = await contractFor(org.id);
  const terminate = (cookie: string, fields: Record<string, string>) =>
    call(contractAction, formRequest(`/app/services/${contractId}`, fields, { cookie }), { contractId });

  const billing = await signedIn(t.db, { orgId: org.id, role: "billing" });
  for (const other of [billing, technical]) {
    expect((await terminate(other.cookie, { endOn: "2027-11-30" })).status).toBe(403);
    expect((await body(await call(contractLoader, getRequest(`/app/services/${contractId}`, { cookie: other.cookie }), { contractId }))).canTerminate).toBe(false);
  }

  const bad = await terminate(user.cookie, { endOn: "30/11/2027" });
  expect(bad.status).toBe(400);
  expect((await body(bad)).errors).toEqual({ endOn: "requests.error.date" });
  const early = await terminate(user.cookie, { endOn: "2026-11-30" });
  expect(early.status).toBe(400);
  expect((await body(early)).errors).toEqual({ endOn: "requests.error.end_before_start" });
  expect(await count(t.db, "contract_changes")).toBe(0);

  const ok = await terminate(user.cookie, { endOn: "2027-11-30", details: "Migration vers le cloud" });
  expect(ok.status).toBe(200);
  expect((await body(ok)).sent).toBe(true);
  const changes = await t.db.selectFrom("contract_changes").selectAll().execute();
  expect(changes).toEqual([expect.objectContaining({ contract_id: contractId, org_id: org.id, kind: "termination", status: "pending", requested_end_on: "2027-11-30", details: "Migration vers le cloud", requested_by: user.id })]);
  expect((await t.db.selectFrom("audit_log").select("action").execute()).map((a) => a.action)).toEqual(["contract.termination_requested"]);

  const twice = await terminate(user.cookie, { endOn: "2027-10-31" });
  expect(twice.status).toBe(409);
  expect((await body(twice)).formError).toBe("requests.error.already_pending");
  const page = await body(await call(contractLoader, getRequest(`/app/services/${contractId}`, { cookie: user.cookie }), { contractId }));
  expect(page.pendingTermination).toBe(true);
  expect(page.contract.changes).toEqual([expect.objectContaining({ kind: "termination", status: "pending", requestedEndOn: "2027-11-30" })]);

  // A contract whose last day of service has passed is listed as past.
  await t.db.updateTable("contracts").set({ start_on: "2025-01-01", end_on: "2025-12-31" }).where("id", "=", contractId).execute();
  const list = await body(await call(servicesLoader, getRequest("/app/services", { cookie: user.cookie })));
  expect(list.active).toEqual([]);
  expect(list.past).toEqual([expect.objectContaining({ id: contractId, endOn: "2025-12-31" })]);
});

test("another organisation's request and contract ids are 404 on every loader and action, and nothing changes", async () => {
  const theirs = await technicalOf();
  const requestId = idFrom((await submit(theirs.user.cookie, small())).headers.get("Location"));
  const contractId = await contractFor(theirs.org.id);
  const mine = await technicalOf();
  const { user } = mine;
  // An admin may ask for terminations: another organisation's contract is still not found.
  const admin = await signedIn(t.db, { orgId: mine.org.id, role: "admin" });
  const before = { requests: await count(t.db, "requests"), changes: await count(t.db, "contract_changes"), audit: await count(t.db, "audit_log") };

  const responses = [
    await call(requestLoader, getRequest(`/app/requests/${requestId}`, { cookie: user.cookie }), { requestId }),
    await call(requestAction, formRequest(`/app/requests/${requestId}`, { intent: "cancel" }, { cookie: user.cookie }), { requestId }),
    await call(contractLoader, getRequest(`/app/services/${contractId}`, { cookie: user.cookie }), { contractId }),
    await call(contractAction, formRequest(`/app/services/${contractId}`, { endOn: "2027-11-30" }, { cookie: admin.cookie }), { contractId }),
    // Even with invalid input, the contract is simply not found.
    await call(contractAction, formRequest(`/app/services/${contractId}`, { endOn: "x" }, { cookie: admin.cookie }), { contractId }),
    // Malformed ids too.
    await call(requestLoader, getRequest("/app/requests/not-a-uuid", { cookie: user.cookie }), { requestId: "not-a-uuid" }),
    await call(requestAction, formRequest("/app/requests/1", { intent: "cancel" }, { cookie: user.cookie }), { requestId: "1" }),
    await call(contractLoader, getRequest("/app/services/x", { cookie: user.cookie }), { contractId: "x" }),
    await call(contractAction, formRequest("/app/services/x", { endOn: "2027-11-30" }, { cookie: admin.cookie }), { contractId: "x" }),
  ];
  expect(responses.map((r) => r.status)).toEqual(responses.map(() => 404));

  expect((await t.db.selectFrom("requests").select("status").where("id", "=", requestId).executeTakeFirstOrThrow()).status).toBe("pending");
  expect({ requests: await count(t.db, "requests"), changes: await count(t.db, "contract_changes"), audit: await count(t.db, "audit_log") }).toEqual(before);
  // And they are not in the lists.
  expect((await body(await call(listLoader, getRequest("/app/requests", { cookie: user.cookie })))).requests).toEqual([]);
  const services = await body(await call(servicesLoader, getRequest("/app/services", { cookie: user.cookie })));
  expect([...services.active, ...services.past]).toEqual([]);
});
