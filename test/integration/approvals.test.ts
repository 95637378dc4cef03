import { sql } from "kysely";
import type { RequestableKind } from "#db/schema";
import { createTestDb, type TestDb } from "../support/db";
import { BASE, body, call, formRequest, getRequest } from "../support/http";
import { count, createOrg, createRequestRow, createUser, outbox, signedIn, siteWithRacks } from "../support/factories";
import { getContract, requestTermination } from "~/modules/requests/contracts.server";

const statusOf = async (id: string) => (await getContract(t.db, { operator: true }, id))!.status;
/** What a contract starting on `startOn` at LDC (UTC) is today: these fixtures start in 2027, upcoming until then. */
const startedOr = (startOn: string) => (new Date().toISOString().slice(0, 10) >= startOn ? "active" : "upcoming");
import { inTransactionOrRollback } from "~/utils/db.server";
import { t as translate } from "~/i18n";
import { loader as queueLoader } from "~/routes/ops.requests._index";
import { action as requestAction, loader as requestLoader } from "~/routes/ops.requests.$requestId";
import { loader as contractsLoader } from "~/routes/ops.contracts._index";
import { action as contractAction, loader as contractLoader } from "~/routes/ops.contracts.$contractId";

let t: TestDb;
let org: { id: string; name: string };
let tenant: { id: string; email: string; cookie: string };
let noc: { id: string; email: string; cookie: string };
let ldc: Awaited<ReturnType<typeof siteWithRacks>>;

beforeEach(async () => {
  t = await createTestDb({ reference: true });
  org = await createOrg(t.db, { name: "Kara Hosting" });
  tenant = await signedIn(t.db, { orgId: org.id, role: "technical", email: "tech@kara.test" });
  noc = await signedIn(t.db, { operatorRole: "ops_noc", email: "noc@dc.test" });
  ldc = await siteWithRacks(t.db, "LDC");
});
afterEach(async () => {
  await t.cleanup();
});

const STANDARD: { kind: RequestableKind; quantity: number }[] = [
  { kind: "rack_unit", quantity: 10 },
  { kind: "power_commit_kw", quantity: 2 },
  { kind: "bandwidth_commit_mbps", quantity: 50 },
];

const newRequest = (lines = STANDARD, startOn = "2027-01-01") => createRequestRow(t.db, { orgId: org.id, siteId: ldc.site.id, createdBy: tenant.id, lines, startOn });

/** A POST with repeated fields (the ports' checkboxes), the way a browser sends the form. */
function postForm(path: string, pairs: [string, string][], cookie: string) {
  return new Request(`${BASE}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, Cookie: cookie },
    body: new URLSearchParams(pairs).toString(),
  });
}

type Values = { startOn: string; placements: Record<string, string>[]; portIds: string[] };

function approvalPairs(values: Values): [string, string][] {
  return [
    ["intent", "approve"],
    ["startOn", values.startOn],
    ...values.placements.flatMap((p, i) => Object.entries(p).map(([k, v]) => [`placements.${i}.${k}`, v] as [string, string])),
    ...values.portIds.map((id) => ["portIds", id] as [string, string]),
  ];
}

async function pageOf(requestId: string, cookie = noc.cookie) {
  const res = await call(requestLoader, getRequest(`/ops/requests/${requestId}`, { cookie }), { requestId });
  expect(res.status).toBe(200);
  return body(res);
}

const approveWith = (requestId: string, values: Values, cookie = noc.cookie) =>
  call(requestAction, postForm(`/ops/requests/${requestId}`, approvalPairs(values), cookie), { requestId });

async function writes() {
  return {
    contracts: await count(t.db, "contracts"),
    allocations: await count(t.db, "allocations"),
    ports: await count(t.db, "port_allocations"),
    audit: await count(t.db, "audit_log"),
    mails: await count(t.db, "email_outbox"),
  };
}

async function addPorts(n: number) {
  const room = await t.db.selectFrom("rooms").select("id").where("site_id", "=", ldc.site.id).where("kind", "=", "meet_me_room").executeTakeFirstOrThrow();
  return t.db
    .insertInto("cross_connect_ports")
    .values(Array.from({ length: n }, (_, i) => ({ site_id: ldc.site.id, room_id: room.id, name: `MMR-T${i + 1}` })))
    .returning("id")
    .execute();
}

test("the queue lists pending requests oldest first, in words, with pending contract changes", async () => {
  const newer = await newRequest([{ kind: "full_rack", quantity: 1 }]);
  const older = await newRequest(STANDARD);
  const decided = await newRequest([{ kind: "half_rack", quantity: 1 }]);
  await sql`update requests set created_at = now() - interval '3 days' where id = ${older}`.execute(t.db);
  await t.db.updateTable("requests").set({ status: "rejected", rejection_reason: "non" }).where("id", "=", decided).execute();

  const data = await body(await call(queueLoader, getRequest("/ops/requests", { cookie: noc.cookie })));
  expect(data.requests.map((r: { id: string }) => r.id)).toEqual([older, newer]);
  expect(data.requests[0]).toMatchObject({ orgName: "Kara Hosting", orgKind: "sme", siteCode: "LDC", desiredStartOn: "2027-01-01" });
  expect(data.requests[0].lines).toEqual([
    { kind: "rack_unit", quantity: 10 },
    { kind: "power_commit_kw", quantity: 2 },
    { kind: "bandwidth_commit_mbps", quantity: 50 },
  ]);
  expect(data.requests[0].ageMinutes).toBeGreaterThan(60 * 24);
  expect(data.changes).toEqual([]);
});

test("the request page suggests a placement that fits, with the quote in the site's currency", async () => {
  await addPorts(3);
  const id = await newRequest([...STANDARD, { kind: "cross_connect", quantity: 2 }]);
  const page = await pageOf(id);
  expect(page.request).toMatchObject({ status: "pending", orgName: "Kara Hosting", currency: "XOF", isVatExempt: false });
  expect(page.quote.monthlyMinor).toBeGreaterThan(0);
  expect(page.quote.vatMinor).toBe(Math.round((page.quote.subtotalMinor * 1800) / 10000));
  expect(page.canApprove).toBe(true);
  expect(page.approval.ok).toBe(true);
  expect(page.approval.shortages).toEqual([]);

  const [slot] = page.approval.defaults.placements;
  const rack = page.approval.racks.find((r: { id: string }) => r.id === slot.rackId);
  expect(rack).toBeDefined();
  expect(rack.status).toBe("active");
  expect(slot.kind).toBe("units");
  expect(Number(slot.lastU) - Number(slot.firstU) + 1).toBe(10);
  expect(Number(slot.lastU)).toBeLessThanOrEqual(rack.heightU);
  expect(slot.powerW).toBe("2000");
  expect(page.approval.defaults.startOn).toBe("2027-01-01");
  expect(page.approval.defaults.portIds).toHaveLength(2);
  expect(page.approval.ports.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining(page.approval.defaults.portIds));
  expect(page.approval.ports.length).toBeGreaterThanOrEqual(3);
  // Maintenance racks are listed (disabled in the form), never suggested.
  expect(page.approval.racks.some((r: { status: string }) => r.status === "maintenance")).toBe(true);
});

test("an agency's VAT exemption shows as 0 VAT", async () => {
  await t.db.updateTable("organisations").set({ is_vat_exempt: true, kind: "agency" }).where("id", "=", org.id).execute();
  const page = await pageOf(await newRequest());
  expect(page.request.isVatExempt).toBe(true);
  expect(page.quote.vatMinor).toBe(0);
  expect(page.quote.totalMinor).toBe(page.quote.subtotalMinor);
});

test("what is short is said, and the form still lets the operator pick by hand", async () => {
  // 60 U fit in no rack whole: the operator may split them over two racks.
  const split = await pageOf(await newRequest([{ kind: "rack_unit", quantity: 60 }]));
  expect(split.approval.ok).toBe(false);
  expect(split.approval.shortages).toEqual([expect.objectContaining({ kind: "units", needed: 60 })]);
  expect(split.approval.slots).toEqual([
    { kind: "units", units: 60, optional: false },
    { kind: "units", units: 0, optional: true },
  ]);
  const [a, b] = ldc.racks.filter((r) => r.status === "active" && r.height_u === 47);
  const res = await approveWith(split.request.id, {
    startOn: "2027-01-01",
    placements: [
      { rackId: a.id, kind: "units", firstU: "1", lastU: "40", powerW: "0" },
      { rackId: b.id, kind: "units", firstU: "1", lastU: "20", powerW: "0" },
    ],
    portIds: [],
  });
  expect(res.status).toBe(302);

  // More full racks than the site has: said, and no approval form (only the rejection).
  const impossible = await pageOf(await newRequest([{ kind: "full_rack", quantity: 500 }]));
  expect(impossible.approval.shortages).toEqual([expect.objectContaining({ kind: "full_rack", needed: 500 })]);
  expect(impossible.approval.placeable).toBe(false);
  expect(impossible.approval.slots).toEqual([]);
});

test("approving with the suggested values creates the contract and redirects to it", async () => {
  await addPorts(2);
  const id = await newRequest([...STANDARD, { kind: "cross_connect", quantity: 1 }]);
  const page = await pageOf(id);
  const res = await approveWith(id, page.approval.defaults);
  expect(res.status).toBe(302);
  const location = res.headers.get("Location")!;
  const contract = await t.db.selectFrom("contracts").selectAll().where("request_id", "=", id).executeTakeFirstOrThrow();
  expect(location).toBe(`/ops/contracts/${contract.id}?approved=1`);
  expect(contract).toMatchObject({ org_id: org.id, start_on: "2027-01-01", approved_by: noc.id });
  // The committed bandwidth: one version of kind bandwidth_commit_mbps, from the start, open-ended.
  expect(
    await t.db.selectFrom("contract_lines").select(["kind", "quantity", "valid_from", "valid_to"]).where("contract_id", "=", contract.id).where("kind", "=", "bandwidth_commit_mbps").execute(),
  ).toEqual([{ kind: "bandwidth_commit_mbps", quantity: 50, valid_from: "2027-01-01", valid_to: null }]);
  expect(await statusOf(contract.id)).toBe(startedOr("2027-01-01"));
  const [slot] = page.approval.defaults.placements;
  expect(await t.db.selectFrom("allocations").select(["rack_id", "first_u", "last_u", "power_w"]).where("contract_id", "=", contract.id).execute()).toEqual([
    { rack_id: slot.rackId, first_u: Number(slot.firstU), last_u: Number(slot.lastU), power_w: 2000 },
  ]);
  expect(await t.db.selectFrom("port_allocations").select("port_id").where("contract_id", "=", contract.id).execute()).toEqual([{ port_id: page.approval.defaults.portIds[0] }]);
  expect((await outbox(t.db, "tech@kara.test")).map((m) => m.template)).toEqual(["request_approved"]);

  // The request now shows its decision instead of the forms, and the contract page shows it all.
  const decided = await pageOf(id);
  expect(decided.request).toMatchObject({ status: "approved", contractId: contract.id });
  expect(decided.approval).toBeNull();
  const view = await body(await call(contractLoader, getRequest(location, { cookie: noc.cookie }), { contractId: contract.id }));
  expect(view.contract.allocations).toHaveLength(1);
  expect(view.racks[0].allocations).toEqual([expect.objectContaining({ highlight: true, label: "Kara Hosting", firstU: Number(slot.firstU) })]);
  expect(view.contract.lines.find((l: { kind: string }) => l.kind === "rack_unit")).toMatchObject({ quantity: 10, unit_price_minor: 15_000, monthlyMinor: 150_000 });
  const list = await body(await call(contractsLoader, getRequest(`/ops/contracts?status=${startedOr("2027-01-01")}`, { cookie: noc.cookie })));
  expect(list.contracts).toEqual([expect.objectContaining({ id: contract.id, orgName: "Kara Hosting", siteCode: "LDC", status: startedOr("2027-01-01") })]);
  expect((await body(await call(contractsLoader, getRequest("/ops/contracts?status=terminated", { cookie: noc.cookie })))).contracts).toEqual([]);
});

test("a second approval of units already taken answers 409 'pick again' and writes nothing", async () => {
  const first = await newRequest();
  const second = await newRequest();
  const stale = await pageOf(second);
  expect((await approveWith(first, (await pageOf(first)).approval.defaults)).status).toBe(302);
  // The second page was opened before: it proposes the same units.
  expect(stale.approval.defaults.placements[0].rackId).toBe((await t.db.selectFrom("allocations").select("rack_id").executeTakeFirstOrThrow()).rack_id);

  const before = await writes();
  const res = await approveWith(second, stale.approval.defaults);
  expect(res.status).toBe(409);
  const data = await body(res);
  expect(data.formError).toBe("approvals.error.units_taken");
  expect(translate("en", data.formError)).toBe("These units were just allocated to another request; pick again.");
  expect(data.values.placements[0]).toEqual(stale.approval.defaults.placements[0]);
  expect(await writes()).toEqual(before);
  expect((await t.db.selectFrom("requests").select("status").where("id", "=", second).executeTakeFirstOrThrow()).status).toBe("pending");

  // Reloaded, the page proposes other units that fit.
  const fresh = await pageOf(second);
  expect(fresh.approval.defaults.placements[0]).not.toEqual(stale.approval.defaults.placements[0]);
  expect((await approveWith(second, fresh.approval.defaults)).status).toBe(302);
});

test("a malformed approval form is refused with 400 and field messages, nothing written", async () => {
  const id = await newRequest();
  const { approval } = await pageOf(id);
  const good = approval.defaults as Values;
  const rack = approval.racks.find((r: { id: string }) => r.id === good.placements[0].rackId);
  const withPlacement = (patch: Record<string, string>) => ({ ...good, placements: [{ ...good.placements[0], ...patch }] });
  const before = await writes();

  const cases: [Values, string, string][] = [
    [withPlacement({ firstU: "-1" }), "placements.0.firstU", "approvals.error.unit"],
    [withPlacement({ firstU: String(rack.heightU - 1), lastU: String(rack.heightU + 8) }), "placements.0.lastU", "approvals.error.unitBeyond"],
    [withPlacement({ rackId: "not-a-uuid" }), "placements.0.rackId", "approvals.error.rack"],
    [withPlacement({ firstU: "12", lastU: "3" }), "placements.0.lastU", "approvals.error.unitOrder"],
    [withPlacement({ powerW: "2 kW" }), "placements.0.powerW", "approvals.error.power"],
    [withPlacement({ rackId: (await siteWithRacks(t.db, "KIN")).racks[0].id }), "placements.0.rackId", "approvals.error.rackUnknown"],
    [{ ...good, startOn: "2027-02-30" }, "startOn", "requests.error.date"],
    [{ ...good, portIds: ["nope"] }, "portIds", "approvals.error.port"],
  ];
  for (const [values, field, message] of cases) {
    const res = await approveWith(id, values);
    expect(res.status, field).toBe(400);
    const data = await body(res);
    expect(data.errors[field], field).toBe(message);
  }
  // Well-formed but not what was asked (9 U instead of 10): 400 with the business message.
  const mismatch = await approveWith(id, withPlacement({ lastU: String(Number(good.placements[0].lastU) - 1) }));
  expect(mismatch.status).toBe(400);
  expect((await body(mismatch)).formError).toBe("approvals.error.placement_mismatch");
  expect(await writes()).toEqual(before);
});

test("rejecting needs a reason; with one, the request is rejected and the tenant told", async () => {
  const id = await newRequest();
  const empty = await call(requestAction, formRequest(`/ops/requests/${id}`, { intent: "reject", reason: "   " }, { cookie: noc.cookie }), { requestId: id });
  expect(empty.status).toBe(400);
  expect((await body(empty)).errors.reason).toBe("error.required");
  expect((await t.db.selectFrom("requests").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status).toBe("pending");

  const res = await call(requestAction, formRequest(`/ops/requests/${id}`, { intent: "reject", reason: "Salle B en travaux jusqu'en mars" }, { cookie: noc.cookie }), { requestId: id });
  expect(res.status).toBe(302);
  expect(res.headers.get("Location")).toBe(`/ops/requests/${id}?decided=rejected`);
  expect(await t.db.selectFrom("requests").select(["status", "rejection_reason", "decided_by"]).where("id", "=", id).executeTakeFirstOrThrow()).toEqual({
    status: "rejected",
    rejection_reason: "Salle B en travaux jusqu'en mars",
    decided_by: noc.id,
  });
  expect((await outbox(t.db, "tech@kara.test")).map((m) => m.template)).toEqual(["request_rejected"]);
  const page = await pageOf(id);
  expect(page.request).toMatchObject({ status: "rejected", rejectionReason: "Salle B en travaux jusqu'en mars" });
  expect(page.approval).toBeNull();

  // Deciding again is a conflict, not a second e-mail.
  const again = await call(requestAction, formRequest(`/ops/requests/${id}`, { intent: "reject", reason: "encore" }, { cookie: noc.cookie }), { requestId: id });
  expect(again.status).toBe(409);
  expect((await body(again)).formError).toBe("approvals.error.not_pending");
  expect(await outbox(t.db, "tech@kara.test")).toHaveLength(1);
});

test("who may see and decide: tenants get 404, ops_finance reads but gets 403 on approve", async () => {
  const id = await newRequest();
  expect((await call(queueLoader, getRequest("/ops/requests", { cookie: tenant.cookie }))).status).toBe(404);
  expect((await call(requestLoader, getRequest(`/ops/requests/${id}`, { cookie: tenant.cookie }), { requestId: id })).status).toBe(404);
  expect((await call(contractsLoader, getRequest("/ops/contracts", { cookie: tenant.cookie }))).status).toBe(404);

  const finance = await signedIn(t.db, { operatorRole: "ops_finance" });
  const page = await pageOf(id, finance.cookie);
  expect(page.canApprove).toBe(false);
  const before = await writes();
  expect((await approveWith(id, page.approval.defaults, finance.cookie)).status).toBe(403);
  expect((await call(requestAction, formRequest(`/ops/requests/${id}`, { intent: "reject", reason: "x" }, { cookie: finance.cookie }), { requestId: id })).status).toBe(403);
  expect(await writes()).toEqual(before);

  const admin = await signedIn(t.db, { operatorRole: "ops_admin" });
  expect((await approveWith(id, page.approval.defaults, admin.cookie)).status).toBe(302);
});

test("unknown or malformed ids are 404, never a 500", async () => {
  const missing = "7b1d7c6e-3f7c-4a53-9d0b-0d5c1f7e9a11";
  for (const requestId of ["not-a-uuid", missing, "'; drop table requests; --"]) {
    expect((await call(requestLoader, getRequest(`/ops/requests/x`, { cookie: noc.cookie }), { requestId })).status).toBe(404);
    expect((await call(requestAction, formRequest(`/ops/requests/x`, { intent: "reject", reason: "x" }, { cookie: noc.cookie }), { requestId })).status).toBe(404);
  }
  for (const contractId of ["nope", missing]) {
    expect((await call(contractLoader, getRequest(`/ops/contracts/x`, { cookie: noc.cookie }), { contractId })).status).toBe(404);
  }
  const id = await newRequest();
  const unknown = await call(requestAction, formRequest(`/ops/requests/${id}`, { intent: "launch" }, { cookie: noc.cookie }), { requestId: id });
  expect(unknown.status).toBe(400);
});

test("applying a termination sets the end date and frees the units after it; declining needs a note", async () => {
  const id = await newRequest();
  const { approval } = await pageOf(id);
  const approved = await approveWith(id, approval.defaults);
  const contractId = approved.headers.get("Location")!.split("/").pop()!.split("?")[0];

  const change = await inTransactionOrRollback((trx) => requestTermination(trx, { orgId: org.id, contractId, endOn: "2027-06-30", actor: tenant }));
  if (!change.ok) throw new Error(change.error);
  const queue = await body(await call(queueLoader, getRequest("/ops/requests", { cookie: noc.cookie })));
  expect(queue.changes).toEqual([expect.objectContaining({ id: change.changeId, contractId, kind: "termination", requestedEndOn: "2027-06-30", orgName: "Kara Hosting" })]);
  const view = await body(await call(contractLoader, getRequest(`/ops/contracts/${contractId}`, { cookie: noc.cookie }), { contractId }));
  expect(view.contract.changes[0]).toMatchObject({ id: change.changeId, status: "pending", requestedEndOn: "2027-06-30" });

  const post = (fields: Record<string, string>, cookie = noc.cookie) => call(contractAction, formRequest(`/ops/contracts/${contractId}`, fields, { cookie }), { contractId });
  expect((await post({ intent: "decline", changeId: change.changeId, reason: "" })).status).toBe(400);
  const early = await post({ intent: "apply", changeId: change.changeId, endOn: "2026-12-31" });
  expect(early.status).toBe(400);
  expect((await body(early)).errors.endOn).toBe("approvals.error.end_before_start");
  expect((await post({ intent: "apply", changeId: change.changeId, endOn: "30/06/2027" })).status).toBe(400);
  expect((await post({ intent: "apply", changeId: "7b1d7c6e-3f7c-4a53-9d0b-0d5c1f7e9a11", endOn: "2027-06-30" })).status).toBe(404);
  expect(await statusOf(contractId)).toBe(startedOr("2027-01-01"));

  const applied = await post({ intent: "apply", changeId: change.changeId, endOn: "2027-06-30", details: "Confirmé par téléphone" });
  expect(applied.status).toBe(302);
  expect(applied.headers.get("Location")).toBe(`/ops/contracts/${contractId}?done=applied`);
  expect({ status: await statusOf(contractId), end_on: (await t.db.selectFrom("contracts").select("end_on").where("id", "=", contractId).executeTakeFirstOrThrow()).end_on }).toEqual({ status: startedOr("2027-01-01"), end_on: "2027-06-30" });
  expect(await t.db.selectFrom("allocations").select("end_on").where("contract_id", "=", contractId).execute()).toEqual([{ end_on: "2027-06-30" }]);
  expect((await post({ intent: "apply", changeId: change.changeId, endOn: "2027-06-30" })).status).toBe(409);

  // The same units: taken on the last day, free the day after.
  const same = (startOn: string) => ({ ...approval.defaults, startOn }) as Values;
  const overlapping = await newRequest(STANDARD, "2027-06-30");
  expect((await approveWith(overlapping, same("2027-06-30"))).status).toBe(409);
  const after = await newRequest(STANDARD, "2027-07-01");
  expect((await approveWith(after, same("2027-07-01"))).status).toBe(302);
});
