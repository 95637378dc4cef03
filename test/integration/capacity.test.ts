import { sql } from "kysely";
import { createTestDb, type TestDb } from "../support/db";
import { commitBandwidth, createOrg, createRequestRow, createUser, outbox, siteWithRacks } from "../support/factories";
import { approveRequest, rejectRequest, type ApproveInput } from "~/modules/requests/approve.server";
import { applyTermination, getContract, requestTermination } from "~/modules/requests/contracts.server";
import { capacityErrorOf } from "~/modules/inventory/constraint-errors";
import { checkAvailability } from "~/modules/inventory/capacity.server";
import { inTransactionOrRollback } from "~/utils/db.server";

let t: TestDb;
let org: { id: string };
let operator: { id: string; email: string };
let ldc: Awaited<ReturnType<typeof siteWithRacks>>;

beforeEach(async () => {
  t = await createTestDb({ reference: true });
  org = await createOrg(t.db, { name: "Kara Hosting" });
  operator = await createUser(t.db, { operatorRole: "ops_noc" });
  ldc = await siteWithRacks(t.db, "LDC");
});
afterEach(async () => {
  await t.cleanup();
});

const activeRack = (i = 0) => ldc.racks.filter((r) => r.status === "active")[i];

async function approve(requestId: string, rest: Partial<ApproveInput> & Pick<ApproveInput, "placements">) {
  return inTransactionOrRollback((trx) =>
    approveRequest(trx, { requestId, startOn: "2027-01-01", portIds: [], actor: { id: operator.id, email: operator.email }, baseUrl: "http://portal.test", ...rest }),
  );
}

/** A raw allocation row, bypassing the application, to prove the database itself refuses. */
async function rawAllocation(rackId: string, first: number, last: number, powerW: number, opts: { start?: string; end?: string | null; kind?: "units" | "full_rack" } = {}) {
  const contract = await t.db
    .insertInto("contracts")
    .values({ org_id: org.id, site_id: ldc.site.id, start_on: opts.start ?? "2027-01-01", end_on: opts.end ?? null, term_months: 12 })
    .returning("id")
    .executeTakeFirstOrThrow();
  return t.db
    .insertInto("allocations")
    .values({ contract_id: contract.id, org_id: org.id, rack_id: rackId, kind: opts.kind ?? "units", first_u: first, last_u: last, start_on: opts.start ?? "2027-01-01", end_on: opts.end ?? null, power_w: powerW })
    .execute();
}

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return capacityErrorOf(error) ?? (error as Error).message;
  }
  return "accepted";
};

describe("the database refuses an oversell, whatever the application does", () => {
  test("two allocations cannot share a unit on overlapping dates", async () => {
    const rack = activeRack();
    await rawAllocation(rack.id, 1, 10, 0);
    expect(await refusal(rawAllocation(rack.id, 10, 12, 0))).toBe("units_taken");
    expect(await refusal(rawAllocation(rack.id, 11, 20, 0))).toBe("accepted");
    // The same units after the first allocation ends are free.
    await t.db.updateTable("allocations").set({ end_on: "2027-06-30" }).where("first_u", "=", 1).execute();
    expect(await refusal(rawAllocation(rack.id, 1, 10, 0, { start: "2027-07-01" }))).toBe("accepted");
    expect(await refusal(rawAllocation(rack.id, 5, 6, 0, { start: "2027-06-30" }))).toBe("units_taken");
  });

  test("a full rack excludes every other allocation in that rack, and must cover all its units", async () => {
    const rack = activeRack();
    expect(await refusal(rawAllocation(rack.id, 1, rack.height_u - 1, 0, { kind: "full_rack" }))).toBe("full_rack_units");
    await rawAllocation(rack.id, 1, rack.height_u, 0, { kind: "full_rack" });
    expect(await refusal(rawAllocation(rack.id, rack.height_u, rack.height_u, 0))).toBe("units_taken");
    expect(await refusal(rawAllocation(rack.id, rack.height_u + 1, rack.height_u + 2, 0))).toBe("units_out_of_range");
  });

  test("power in a rack never exceeds what one feed alone can carry", async () => {
    const rack = activeRack();
    const usable = Math.min(rack.power_capacity_w, rack.feed_a_capacity_w, rack.feed_b_capacity_w);
    // Make feed B the weakest link.
    await t.db.updateTable("racks").set({ feed_b_capacity_w: usable - 1000 }).where("id", "=", rack.id).execute();
    await rawAllocation(rack.id, 1, 2, usable - 1500);
    expect(await refusal(rawAllocation(rack.id, 3, 4, 501))).toBe("power_exceeded");
    expect(await refusal(rawAllocation(rack.id, 3, 4, 500))).toBe("accepted");
    // Power used in other periods does not count.
    expect(await refusal(rawAllocation(rack.id, 5, 6, 1000, { start: "2026-01-01", end: "2026-12-31" }))).toBe("accepted");
  });

  test("a rack in maintenance takes no new allocation", async () => {
    const rack = ldc.racks.find((r) => r.status === "maintenance")!;
    expect(rack).toBeDefined();
    expect(await refusal(rawAllocation(rack.id, 1, 1, 0))).toBe("rack_maintenance");
  });

  test("committed bandwidth at a site never exceeds uplink × ratio", async () => {
    const sellable = Math.floor(ldc.site.uplink_capacity_mbps * Number(ldc.site.oversubscription_ratio));
    // A raw contract row, then its bandwidth version: the constraint trigger on contract_lines refuses.
    const contract = async (mbps: number, opts: { start?: string; end?: string | null } = {}) => {
      const row = await t.db
        .insertInto("contracts")
        .values({ org_id: org.id, site_id: ldc.site.id, start_on: opts.start ?? "2027-01-01", end_on: opts.end ?? null, term_months: 12 })
        .returning("id")
        .executeTakeFirstOrThrow();
      return commitBandwidth(t.db, row.id, mbps);
    };
    const versions = async () =>
      (await t.db.selectFrom("contract_lines").select("quantity").where("kind", "=", "bandwidth_commit_mbps").orderBy("quantity").execute()).map((l) => l.quantity);
    await contract(sellable - 100);
    expect(await refusal(contract(101))).toBe("bandwidth_exceeded");
    expect(await versions()).toEqual([sellable - 100]);
    expect(await refusal(contract(100))).toBe("accepted");
    expect(await versions()).toEqual([100, sellable - 100]);
    // Bandwidth committed in another period does not count.
    expect(await refusal(contract(500, { start: "2026-01-01", end: "2026-12-31" }))).toBe("accepted");
    // The uplink cannot be shrunk below what is sold.
    expect(await refusal(t.db.updateTable("sites").set({ uplink_capacity_mbps: 10 }).where("id", "=", ldc.site.id).execute())).toBe("bandwidth_below_committed");
  });

  test("a rack's capacity cannot be lowered below what is committed", async () => {
    const rack = activeRack();
    await rawAllocation(rack.id, 1, 4, 3000, { start: "2026-01-01" });
    expect(await refusal(t.db.updateTable("racks").set({ power_capacity_w: 2000 }).where("id", "=", rack.id).execute())).toBe("power_below_committed");
    const after = await t.db.selectFrom("racks").select("power_capacity_w").where("id", "=", rack.id).executeTakeFirstOrThrow();
    expect(after.power_capacity_w).toBe(rack.power_capacity_w);
  });
});

describe("approving a request", () => {
  test("creates the contract with frozen prices and the allocations; a later price change does not touch it", async () => {
    const tenant = await createUser(t.db, { orgId: org.id, role: "technical", email: "tech@kara.test" });
    const requestId = await createRequestRow(t.db, {
      orgId: org.id,
      siteId: ldc.site.id,
      createdBy: tenant.id,
      lines: [
        { kind: "rack_unit", quantity: 10 },
        { kind: "power_commit_kw", quantity: 2 },
        { kind: "bandwidth_commit_mbps", quantity: 50 },
      ],
    });
    const rack = activeRack();
    const result = await approve(requestId, { placements: [{ rackId: rack.id, kind: "units", firstU: 1, lastU: 10, powerW: 2000 }] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;

    const contract = await t.db.selectFrom("contracts").selectAll().where("id", "=", result.contractId).executeTakeFirstOrThrow();
    expect(contract).toMatchObject({ org_id: org.id, start_on: "2027-01-01", request_id: requestId });
    // The committed bandwidth is the contract's first version of kind bandwidth_commit_mbps, from its start, open-ended.
    expect(
      await t.db.selectFrom("contract_lines").select(["kind", "quantity", "valid_from", "valid_to"]).where("contract_id", "=", contract.id).where("kind", "=", "bandwidth_commit_mbps").execute(),
    ).toEqual([{ kind: "bandwidth_commit_mbps", quantity: 50, valid_from: "2027-01-01", valid_to: null }]);
    // It starts on 2027-01-01: upcoming until then (LDC is on UTC), active from that day.
    expect((await getContract(t.db, { operator: true }, contract.id))!.status).toBe(new Date().toISOString().slice(0, 10) >= "2027-01-01" ? "active" : "upcoming");
    const lines = await t.db.selectFrom("contract_lines").select(["kind", "quantity", "unit_price_minor", "currency"]).where("contract_id", "=", contract.id).orderBy("kind").execute();
    const price = async (kind: string) =>
      (await t.db.selectFrom("products").select("unit_price_minor").where("site_id", "=", ldc.site.id).where("kind", "=", kind as never).where("is_active", "=", true).executeTakeFirstOrThrow()).unit_price_minor;
    expect(lines.find((l) => l.kind === "rack_unit")).toEqual({ kind: "rack_unit", quantity: 10, unit_price_minor: await price("rack_unit"), currency: "XOF" });
    expect(lines.map((l) => l.kind)).toEqual(expect.arrayContaining(["energy_kwh", "bandwidth_overage_mbps"]));
    const allocations = await t.db.selectFrom("allocations").select(["rack_id", "first_u", "last_u", "power_w"]).where("contract_id", "=", contract.id).execute();
    expect(allocations).toEqual([{ rack_id: rack.id, first_u: 1, last_u: 10, power_w: 2000 }]);
    expect((await t.db.selectFrom("requests").select("status").where("id", "=", requestId).executeTakeFirstOrThrow()).status).toBe("approved");
    const [mail] = await outbox(t.db, "tech@kara.test");
    expect(mail.template).toBe("request_approved");
    expect(mail.text).toContain(`/app/services/${contract.id}`);

    const before = await price("rack_unit");
    await t.db.updateTable("products").set({ unit_price_minor: before * 2 }).where("site_id", "=", ldc.site.id).where("kind", "=", "rack_unit").execute();
    const frozen = await t.db.selectFrom("contract_lines").select("unit_price_minor").where("contract_id", "=", contract.id).where("kind", "=", "rack_unit").executeTakeFirstOrThrow();
    expect(frozen.unit_price_minor).toBe(before);
  });

  test("an approval that loses the race for units writes nothing and says why", async () => {
    const rack = activeRack();
    const a = await createRequestRow(t.db, { orgId: org.id, siteId: ldc.site.id, lines: [{ kind: "rack_unit", quantity: 10 }] });
    const b = await createRequestRow(t.db, { orgId: org.id, siteId: ldc.site.id, lines: [{ kind: "rack_unit", quantity: 10 }] });
    expect((await approve(a, { placements: [{ rackId: rack.id, kind: "units", firstU: 1, lastU: 10, powerW: 0 }] })).ok).toBe(true);
    const lost = await approve(b, { placements: [{ rackId: rack.id, kind: "units", firstU: 5, lastU: 14, powerW: 0 }] });
    // The refusal names the contract that holds the units (here the same tenant's, approved first).
    const holder = await t.db.selectFrom("contracts").select("id").where("request_id", "=", a).executeTakeFirstOrThrow();
    expect(lost).toMatchObject({ ok: false, error: "units_taken", held: { contractId: holder.id } });
    expect(await t.db.selectFrom("contracts").select("id").where("request_id", "=", b).execute()).toEqual([]);
    expect((await t.db.selectFrom("requests").select("status").where("id", "=", b).executeTakeFirstOrThrow()).status).toBe("pending");
    expect(await t.db.selectFrom("audit_log").select("id").where("entity_id", "=", b).execute()).toEqual([]);
  });

  test("the assignment must match the request", async () => {
    const rack = activeRack();
    const id = await createRequestRow(t.db, { orgId: org.id, siteId: ldc.site.id, lines: [{ kind: "rack_unit", quantity: 4 }, { kind: "power_commit_kw", quantity: 1 }] });
    expect(await approve(id, { placements: [{ rackId: rack.id, kind: "units", firstU: 1, lastU: 3, powerW: 1000 }] })).toEqual({ ok: false, error: "placement_mismatch" });
    expect(await approve(id, { placements: [{ rackId: rack.id, kind: "units", firstU: 1, lastU: 4, powerW: 900 }] })).toEqual({ ok: false, error: "power_mismatch" });
    const kin = await siteWithRacks(t.db, "KIN");
    expect(await approve(id, { placements: [{ rackId: kin.racks[0].id, kind: "units", firstU: 1, lastU: 4, powerW: 1000 }] })).toEqual({ ok: false, error: "wrong_site" });
    expect(await approve(id, { placements: [{ rackId: "not-a-uuid", kind: "units", firstU: 1, lastU: 4, powerW: 1000 }] })).toEqual({ ok: false, error: "wrong_site" });
    expect(await t.db.selectFrom("contracts").select("id").execute()).toEqual([]);
  });

  test("a request is decided once; a rejection keeps its reason and tells the tenant", async () => {
    const tenant = await createUser(t.db, { orgId: org.id, role: "owner", email: "owner@kara.test" });
    const id = await createRequestRow(t.db, { orgId: org.id, siteId: ldc.site.id, createdBy: tenant.id, lines: [{ kind: "full_rack", quantity: 1 }] });
    const rejected = await inTransactionOrRollback((trx) => rejectRequest(trx, { requestId: id, reason: "Salle 1 en travaux jusqu'en mars", actor: operator, baseUrl: "http://portal.test" }));
    expect(rejected.ok).toBe(true);
    expect(await approve(id, { placements: [{ rackId: activeRack().id, kind: "full_rack", firstU: 1, lastU: activeRack().height_u, powerW: 0 }] })).toEqual({ ok: false, error: "not_pending" });
    const [mail] = await outbox(t.db, "owner@kara.test");
    expect(mail.template).toBe("request_rejected");
    expect(mail.text).toContain("Salle 1 en travaux jusqu'en mars");
  });
});

test("a terminated contract frees its units, power and bandwidth for the days after its end", async () => {
  const rack = activeRack();
  const tenant = await createUser(t.db, { orgId: org.id, role: "owner" });
  const id = await createRequestRow(t.db, { orgId: org.id, siteId: ldc.site.id, lines: [{ kind: "rack_unit", quantity: rack.height_u }, { kind: "power_commit_kw", quantity: 3 }] });
  const approved = await approve(id, { placements: [{ rackId: rack.id, kind: "units", firstU: 1, lastU: rack.height_u, powerW: 3000 }] });
  if (!approved.ok) throw new Error(approved.error);

  const period = (startOn: string) => ({ siteId: ldc.site.id, period: { startOn, endOn: null }, units: 1, halfRacks: 0, fullRacks: 0, powerW: 0, bandwidthMbps: 0, ports: 0 });
  const racksFreeIn = async (startOn: string) => (await checkAvailability(t.db, { ...period(startOn), fullRacks: 1 })).placements.map((p) => p.rackId);
  expect(await racksFreeIn("2027-08-01")).not.toContain(rack.id);

  const change = await inTransactionOrRollback((trx) => requestTermination(trx, { orgId: org.id, contractId: approved.contractId, endOn: "2027-06-30", actor: tenant }));
  if (!change.ok) throw new Error(change.error);
  const applied = await inTransactionOrRollback((trx) => applyTermination(trx, { changeId: change.changeId, endOn: "2027-06-30", actor: operator }));
  expect(applied.ok).toBe(true);
  expect(await t.db.selectFrom("allocations").select("end_on").where("contract_id", "=", approved.contractId).executeTakeFirstOrThrow()).toEqual({ end_on: "2027-06-30" });
  // Before the end it is still taken; after it, free.
  expect(await refusal(rawAllocation(rack.id, 1, 1, 0, { start: "2027-06-30" }))).toBe("units_taken");
  expect(await refusal(rawAllocation(rack.id, 1, 1, 0, { start: "2027-07-01" }))).toBe("accepted");
});

test("a termination before space that starts later (an upgrade approved for after the last day) removes that space instead of failing", async () => {
  const [first, second] = [activeRack(0), activeRack(1)];
  const tenant = await createUser(t.db, { orgId: org.id, role: "owner" });
  const id = await createRequestRow(t.db, { orgId: org.id, siteId: ldc.site.id, lines: [{ kind: "rack_unit", quantity: 4 }] });
  const approved = await approve(id, { placements: [{ rackId: first.id, kind: "units", firstU: 1, lastU: 4, powerW: 0 }] });
  if (!approved.ok) throw new Error(approved.error);
  await t.db
    .insertInto("allocations")
    .values({ contract_id: approved.contractId, org_id: org.id, rack_id: second.id, kind: "units", first_u: 1, last_u: 4, start_on: "2027-09-01", end_on: null, power_w: 0 })
    .execute();
  const change = await inTransactionOrRollback((trx) => requestTermination(trx, { orgId: org.id, contractId: approved.contractId, endOn: "2027-06-30", actor: tenant }));
  if (!change.ok) throw new Error(change.error);
  expect((await inTransactionOrRollback((trx) => applyTermination(trx, { changeId: change.changeId, endOn: "2027-06-30", actor: operator }))).ok).toBe(true);
  const left = await t.db.selectFrom("allocations").select(["rack_id", "start_on", "end_on"]).where("contract_id", "=", approved.contractId).execute();
  expect(left).toEqual([{ rack_id: first.id, start_on: "2027-01-01", end_on: "2027-06-30" }]);
  expect(await refusal(rawAllocation(second.id, 1, 4, 0, { start: "2027-09-01" }))).toBe("accepted");
});

test("availability explains what is short", async () => {
  const result = await checkAvailability(t.db, {
    siteId: ldc.site.id,
    period: { startOn: "2027-01-01", endOn: null },
    units: 0,
    halfRacks: 0,
    fullRacks: 500,
    powerW: 0,
    bandwidthMbps: 1_000_000,
    ports: 1000,
  });
  expect(result.ok).toBe(false);
  expect(result.shortages.map((s) => s.kind).sort()).toEqual(["bandwidth", "full_rack", "ports"]);
  const ok = await checkAvailability(t.db, { siteId: ldc.site.id, period: { startOn: "2027-01-01", endOn: null }, units: 10, halfRacks: 0, fullRacks: 0, powerW: 2000, bandwidthMbps: 50, ports: 0 });
  expect(ok).toMatchObject({ ok: true, shortages: [] });
  expect(ok.placements).toHaveLength(1);
  expect(ok.placements[0].powerW).toBe(2000);
  void sql;
});
