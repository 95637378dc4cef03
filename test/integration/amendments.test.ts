import type { Kysely } from "kysely";
import type { Database, ProductKind } from "#db/schema";
import { createTestDb, type TestDb } from "../support/db";
import { createOrg, createRequestRow, createUser, outbox, siteWithRacks } from "../support/factories";
import { addMeter, addSamples, linesOf, invoiceOf } from "../support/billing-world";
import { approveRequest } from "~/modules/requests/approve.server";
import { getContract } from "~/modules/requests/contracts.server";
import { runBilling } from "~/modules/billing/run.server";
import { capacityErrorOf } from "~/modules/inventory/constraint-errors";
import { approveAmendment, getAmendment, rejectAmendment, requestAmendment, suggestAssignment, amendmentContext } from "~/modules/contracts/amendments.server";
import type { Quantities } from "~/modules/contracts/amendment-quote";
import { inTransactionOrRollback } from "~/utils/db.server";

/**
 * Amendments in a world: a tenant with a contract approved through the portal at prices this file
 * sets (so every figure below is computed by hand), a second tenant in the same rack, changes
 * approved through the module, and the billing run's invoices read back line by line.
 *
 * LDC: XOF (francs), VAT 18 %, Africa/Lome (UTC). Prices set here per month: rack unit 10 000,
 * power 50 000 per kW (setup 5 000 per kW), bandwidth 1 000 per Mbps, overage 2 000 per Mbps.
 */

let t: TestDb;
let ldc: Awaited<ReturnType<typeof siteWithRacks>>;
let operator: { id: string; email: string };
let kara: { id: string };
let other: { id: string };
let owner: { id: string; email: string };

const PRICES: Partial<Record<ProductKind, [number, number]>> = {
  rack_unit: [10_000, 0],
  power_commit_kw: [50_000, 5_000],
  bandwidth_commit_mbps: [1_000, 0],
  bandwidth_overage_mbps: [2_000, 0],
  cross_connect: [25_000, 15_000],
};

async function setPrices(db: Kysely<Database>, siteId: string) {
  for (const [kind, [price, setup]] of Object.entries(PRICES)) {
    await db.updateTable("products").set({ unit_price_minor: price, setup_fee_minor: setup, is_active: true }).where("site_id", "=", siteId).where("kind", "=", kind as ProductKind).execute();
  }
}

const rack = (i = 0) => ldc.racks.filter((r) => r.status === "active")[i];

/** A contract of 10 U (U1–U10 of the first active rack) and 2 kW from 1 January 2027, 12 months. */
async function contractOf(orgId: string, opts: { first?: number; units?: number; kw?: number; mbps?: number; rackIndex?: number } = {}) {
  const units = opts.units ?? 10;
  const first = opts.first ?? 1;
  const lines = [
    { kind: "rack_unit" as const, quantity: units },
    { kind: "power_commit_kw" as const, quantity: opts.kw ?? 2 },
    ...(opts.mbps ? [{ kind: "bandwidth_commit_mbps" as const, quantity: opts.mbps }] : []),
  ];
  const requestId = await createRequestRow(t.db, { orgId, siteId: ldc.site.id, lines });
  const result = await inTransactionOrRollback((trx) =>
    approveRequest(trx, {
      requestId,
      startOn: "2027-01-01",
      placements: [{ rackId: rack(opts.rackIndex).id, kind: "units", firstU: first, lastU: first + units - 1, powerW: (opts.kw ?? 2) * 1000 }],
      portIds: [],
      actor: operator,
      baseUrl: "http://portal.test",
    }),
  );
  if (!result.ok) throw new Error(`approval refused: ${result.error}`);
  return result.contractId;
}

async function quantitiesOf(contractId: string, effectiveOn: string): Promise<Quantities> {
  const ctx = await amendmentContext(t.db, { operator: true }, contractId, effectiveOn);
  return { rack_unit: 10, half_rack: 0, full_rack: 0, power_commit_kw: 2, bandwidth_commit_mbps: 0, cross_connect: 0, ...ctx?.quantities };
}

async function ask(orgId: string, contractId: string, effectiveOn: string, change: Partial<Quantities>) {
  const quantities = { ...(await quantitiesOf(contractId, effectiveOn)), ...change };
  return inTransactionOrRollback((trx) => requestAmendment(trx, { orgId, contractId, effectiveOn, quantities, actor: owner, baseUrl: "http://portal.test" }));
}

async function approveSuggested(changeId: string, opts: { waive?: boolean } = {}) {
  const change = (await getAmendment(t.db, { operator: true }, changeId))!;
  const { placements, portIds } = await suggestAssignment(t.db, change);
  return inTransactionOrRollback((trx) => approveAmendment(trx, { changeId, placements, portIds, waiveEarlyRelease: opts.waive, actor: operator, baseUrl: "http://portal.test" }));
}

beforeEach(async () => {
  t = await createTestDb({ reference: true });
  ldc = await siteWithRacks(t.db, "LDC");
  await setPrices(t.db, ldc.site.id);
  operator = await createUser(t.db, { operatorRole: "ops_noc" });
  kara = await createOrg(t.db, { name: "Kara Hosting" });
  other = await createOrg(t.db, { name: "Zoe Networks" });
  owner = await createUser(t.db, { orgId: kara.id, role: "owner" });
});
afterEach(async () => {
  await t.cleanup();
});

describe("an upgrade of power from 2 to 4 kW from 15 March", () => {
  test("makes two versions and two allocations, and the March invoice bills each for its days", async () => {
    const contractId = await contractOf(kara.id);
    const asked = await ask(kara.id, contractId, "2027-03-15", { power_commit_kw: 4 });
    expect(asked.ok).toBe(true);
    if (!asked.ok) return;
    // The operators hear of it.
    expect((await t.db.selectFrom("email_outbox").select("template").where("template", "=", "amendment_requested").execute()).length).toBeGreaterThan(0);

    const approved = await approveSuggested(asked.changeId);
    expect(approved).toEqual({ ok: true, earlyReleaseMinor: 0 });

    const contract = (await getContract(t.db, { orgId: kara.id }, contractId))!;
    const power = contract.versions.filter((v) => v.kind === "power_commit_kw").map((v) => [v.quantity, v.valid_from, v.valid_to]);
    expect(power).toEqual([
      [2, "2027-01-01", "2027-03-14"],
      [4, "2027-03-15", null],
    ]);
    const allocations = contract.allocations.map((a) => [a.first_u, a.last_u, a.power_w, a.start_on, a.end_on]);
    expect(allocations).toEqual([
      [1, 10, 2000, "2027-01-01", "2027-03-14"],
      [1, 10, 4000, "2027-03-15", null],
    ]);
    expect(await outbox(t.db, owner.email)).toEqual(expect.arrayContaining([expect.objectContaining({ template: "amendment_applied" })]));

    await runBilling(t.db, { siteCode: "LDC", period: "2027-03" });
    const lines = (await linesOf(t.db, kara.id, "2027-03")).map((l) => [l.kind, Number(l.quantity), Number(l.amount_minor)]);
    // Power 2 kW × 50 000 × 14/31 = 45 161.29 → 45 161; 4 kW × 50 000 × 17/31 = 109 677.42 → 109 677;
    // units 10 × 10 000 for the whole month = 100 000; setup 5 000 × the 2 kW added = 10 000.
    expect(lines).toEqual([
      ["recurring", 2, 45_161],
      ["recurring", 4, 109_677],
      ["recurring", 10, 100_000],
      ["setup", 2, 10_000],
    ]);
    const invoice = (await invoiceOf(t.db, kara.id, "2027-03"))!;
    // 264 838 + 18 % (47 670.84 → 47 671) = 312 509.
    expect([Number(invoice.subtotal_minor), Number(invoice.vat_minor), Number(invoice.total_minor)]).toEqual([264_838, 47_671, 312_509]);
    const march = (await linesOf(t.db, kara.id, "2027-03")).map((l) => l.description_fr);
    expect(march[0]).toContain("du 1er mars 2027 au 14 mars 2027 (14/31 jours)");
    expect(march[1]).toContain("du 15 mars 2027 au 31 mars 2027 (17/31 jours)");

    // April: the new quantity for the whole month, no setup again.
    await runBilling(t.db, { siteCode: "LDC", period: "2027-04" });
    expect((await linesOf(t.db, kara.id, "2027-04")).map((l) => [l.kind, Number(l.quantity), Number(l.amount_minor)])).toEqual([
      ["recurring", 4, 200_000],
      ["recurring", 10, 100_000],
    ]);
  });

  test("when the rack lacks the power, the database refuses and nothing is written", async () => {
    const contractId = await contractOf(kara.id);
    const r = rack();
    const usable = Math.min(r.power_capacity_w, r.feed_a_capacity_w, r.feed_b_capacity_w);
    // The other tenant takes all that is left of the rack from 1 March.
    await t.db.insertInto("contracts").values({ org_id: other.id, site_id: ldc.site.id, start_on: "2027-03-01", term_months: 12 }).returning("id").executeTakeFirstOrThrow().then((c) =>
      t.db.insertInto("allocations").values({ contract_id: c.id, org_id: other.id, rack_id: r.id, kind: "units", first_u: 30, last_u: 30, start_on: "2027-03-01", end_on: null, power_w: usable - 2000 }).execute(),
    );
    const asked = await ask(kara.id, contractId, "2027-03-15", { power_commit_kw: 4 });
    if (!asked.ok) throw new Error(asked.error);
    const before = await t.db.selectFrom("contract_lines").select(["id", "valid_to"]).where("contract_id", "=", contractId).orderBy("id").execute();
    const change = (await getAmendment(t.db, { operator: true }, asked.changeId))!;
    const result = await inTransactionOrRollback((trx) =>
      approveAmendment(trx, { changeId: change.id, placements: [{ rackId: r.id, kind: "units", firstU: 1, lastU: 10, powerW: 4000 }], portIds: [], actor: operator }),
    );
    expect(result).toEqual({ ok: false, error: "power_exceeded" });
    expect(await t.db.selectFrom("contract_lines").select(["id", "valid_to"]).where("contract_id", "=", contractId).orderBy("id").execute()).toEqual(before);
    expect((await getAmendment(t.db, { operator: true }, asked.changeId))!.status).toBe("pending");
  });
});

describe("downgrades", () => {
  test("at the end of the commitment: no charge; units are free for others only from the effective date", async () => {
    const contractId = await contractOf(kara.id);
    const asked = await ask(kara.id, contractId, "2028-01-01", { rack_unit: 6 });
    if (!asked.ok) throw new Error(asked.error);
    expect((await getAmendment(t.db, { operator: true }, asked.changeId))!.before_commitment_end).toBe(false);
    expect(await approveSuggested(asked.changeId)).toEqual({ ok: true, earlyReleaseMinor: 0 });
    const contract = (await getContract(t.db, { operator: true }, contractId))!;
    expect(contract.allocations.map((a) => [a.first_u, a.last_u, a.start_on, a.end_on])).toEqual([
      [1, 10, "2027-01-01", "2027-12-31"],
      [1, 6, "2028-01-01", null],
    ]);
    // Another tenant's raw allocation of U7–U10: refused from 31 December, accepted from 1 January.
    const raw = async (start: string) => {
      const c = await t.db.insertInto("contracts").values({ org_id: other.id, site_id: ldc.site.id, start_on: start, term_months: 12 }).returning("id").executeTakeFirstOrThrow();
      try {
        await t.db.insertInto("allocations").values({ contract_id: c.id, org_id: other.id, rack_id: rack().id, kind: "units", first_u: 7, last_u: 10, start_on: start, end_on: null, power_w: 0 }).execute();
        return "accepted";
      } catch (error) {
        return capacityErrorOf(error);
      }
    };
    expect(await raw("2027-12-31")).toBe("units_taken");
    expect(await raw("2028-01-01")).toBe("accepted");

    await runBilling(t.db, { siteCode: "LDC", period: "2028-01" });
    expect((await linesOf(t.db, kara.id, "2028-01")).map((l) => [l.kind, Number(l.quantity), Number(l.amount_minor)])).toEqual([
      ["recurring", 2, 100_000],
      ["recurring", 6, 60_000],
    ]);
  });

  test("before the end of the commitment: what is given back stays due (early termination), unless waived", async () => {
    const contractId = await contractOf(kara.id);
    const asked = await ask(kara.id, contractId, "2027-06-01", { rack_unit: 6 });
    if (!asked.ok) throw new Error(asked.error);
    expect((await getAmendment(t.db, { operator: true }, asked.changeId))!.before_commitment_end).toBe(true);
    // 4 U × 10 000 = 40 000 a month, due June to December 2027: 7 full months = 280 000.
    expect(await approveSuggested(asked.changeId)).toEqual({ ok: true, earlyReleaseMinor: 280_000 });
    await runBilling(t.db, { siteCode: "LDC", period: "2027-06" });
    expect((await linesOf(t.db, kara.id, "2027-06")).map((l) => [l.kind, Number(l.quantity), Number(l.amount_minor)])).toEqual([
      ["recurring", 2, 100_000],
      ["recurring", 6, 60_000],
      ["one_off", 1, 280_000],
    ]);

    const second = await contractOf(other.id, { first: 20, units: 4, kw: 1 });
    const waived = await inTransactionOrRollback((trx) =>
      requestAmendment(trx, { orgId: other.id, contractId: second, effectiveOn: "2027-06-01", quantities: { rack_unit: 2, half_rack: 0, full_rack: 0, power_commit_kw: 1, bandwidth_commit_mbps: 0, cross_connect: 0 }, actor: owner }),
    );
    if (!waived.ok) throw new Error(waived.error);
    expect(await approveSuggested(waived.changeId, { waive: true })).toEqual({ ok: true, earlyReleaseMinor: 0 });
    expect(await t.db.selectFrom("one_off_charges").select("id").where("contract_id", "=", second).execute()).toEqual([]);
  });
});

describe("two changes in one month, in USD at Kinshasa, and the 95th percentile against a day-weighted commit", () => {
  test("bandwidth 100 → 200 from 10 April → 150 from 20 April: each version for its days; overage on the weighted commit", async () => {
    const kin = await siteWithRacks(t.db, "KIN");
    // USD cents: bandwidth 1 000 (10 $) per Mbps, overage 1 500 (15 $) per Mbps, rack unit 2 000.
    for (const [kind, price] of [["bandwidth_commit_mbps", 1_000], ["bandwidth_overage_mbps", 1_500], ["rack_unit", 2_000], ["power_commit_kw", 0]] as const) {
      await t.db.updateTable("products").set({ unit_price_minor: price, setup_fee_minor: 0, is_active: true }).where("site_id", "=", kin.site.id).where("kind", "=", kind).execute();
    }
    const requestId = await createRequestRow(t.db, { orgId: kara.id, siteId: kin.site.id, lines: [{ kind: "rack_unit", quantity: 2 }, { kind: "bandwidth_commit_mbps", quantity: 100 }] });
    const kinRack = kin.racks.find((r) => r.status === "active")!;
    const approved = await inTransactionOrRollback((trx) =>
      approveRequest(trx, { requestId, startOn: "2027-01-01", placements: [{ rackId: kinRack.id, kind: "units", firstU: 1, lastU: 2, powerW: 0 }], portIds: [], actor: operator, baseUrl: "http://portal.test" }),
    );
    if (!approved.ok) throw new Error(approved.error);
    const contractId = approved.contractId;

    const first = await ask(kara.id, contractId, "2027-04-10", { bandwidth_commit_mbps: 200 });
    if (!first.ok) throw new Error(first.error);
    // A second change while the first waits is refused; after it is applied, accepted.
    expect(await ask(kara.id, contractId, "2027-04-20", { bandwidth_commit_mbps: 150 })).toEqual({ ok: false, error: "already_pending" });
    expect(await approveSuggested(first.changeId)).toMatchObject({ ok: true });
    // A change dated before an applied later one is refused.
    expect(await ask(kara.id, contractId, "2027-04-05", { bandwidth_commit_mbps: 120 })).toEqual({ ok: false, error: "later_change_exists" });
    const second = await ask(kara.id, contractId, "2027-04-20", { bandwidth_commit_mbps: 150 });
    if (!second.ok) throw new Error(second.error);
    expect(await approveSuggested(second.changeId)).toMatchObject({ ok: true });

    // p95 of April = 180 Mbps: every 5-minute sample at 180 (Kinshasa is UTC+1: April is 31 Mar 23:00Z → 30 Apr 23:00Z).
    const meter = await addMeter(t.db, { siteId: kin.site.id, externalId: "KIN-BW-1", kind: "bandwidth", contractId, attachedOn: "2027-01-01" });
    await addSamples(t.db, meter, "bw_in_mbps", ["2027-04-02T10:00:00Z", "2027-04-12T10:00:00Z", "2027-04-22T10:00:00Z", "2027-04-28T10:00:00Z"].map((at) => [at, "180"]));

    await runBilling(t.db, { siteCode: "KIN", period: "2027-04" });
    const lines = (await linesOf(t.db, kara.id, "2027-04")).map((l) => [l.kind, Number(l.quantity), Number(l.amount_minor)]);
    // 100 × 1 000 × 9/30 = 30 000; 200 × 1 000 × 10/30 = 66 666.67 → 66 667; 150 × 1 000 × 11/30 = 55 000;
    // units 2 × 2 000 = 4 000. Commit weighted by day: (100×9 + 200×10 + 150×11) / 30 = 4 550/30 = 151.666667;
    // overage 180 − 151.666667 = 28.333333 Mbps × 1 500 = 42 499.9995 → 42 500 cents.
    expect(lines).toEqual([
      ["recurring", 100, 30_000],
      ["recurring", 200, 66_667],
      ["recurring", 150, 55_000],
      ["recurring", 2, 4_000],
      ["bandwidth_overage", 28.333333, 42_500],
    ]);
    const invoice = (await invoiceOf(t.db, kara.id, "2027-04"))!;
    // 198 167 cents + 16 % (31 706.72 → 31 707) = 229 874 cents = 2 298,74 $.
    expect([invoice.currency, Number(invoice.subtotal_minor), Number(invoice.vat_minor), Number(invoice.total_minor)]).toEqual(["USD", 198_167, 31_707, 229_874]);
  });
});

describe("refusals write nothing", () => {
  test("dates, no change, no space, another tenant's contract, a decided change", async () => {
    const contractId = await contractOf(kara.id);
    const before = await t.db.selectFrom("contract_changes").select("id").execute();
    expect(await ask(kara.id, contractId, "2026-12-01", { power_commit_kw: 4 })).toEqual({ ok: false, error: "effective_before_start" });
    expect(await ask(kara.id, contractId, "2027-03-15", {})).toEqual({ ok: false, error: "no_change" });
    expect(await ask(kara.id, contractId, "2027-03-15", { rack_unit: 0 })).toEqual({ ok: false, error: "no_space" });
    expect(await ask(other.id, contractId, "2027-03-15", { power_commit_kw: 4 })).toEqual({ ok: false, error: "not_found" });
    expect(await ask(kara.id, "not-a-uuid", "2027-03-15", { power_commit_kw: 4 })).toEqual({ ok: false, error: "not_found" });
    expect(await t.db.selectFrom("contract_changes").select("id").execute()).toEqual(before);

    const asked = await ask(kara.id, contractId, "2027-03-15", { power_commit_kw: 3 });
    if (!asked.ok) throw new Error(asked.error);
    expect(await inTransactionOrRollback((trx) => rejectAmendment(trx, { changeId: asked.changeId, reason: "Pas de puissance", actor: operator }))).toEqual({ ok: true });
    expect(await approveSuggested(asked.changeId)).toEqual({ ok: false, error: "not_pending" });
    expect(await t.db.selectFrom("contract_lines").select("id").where("contract_id", "=", contractId).where("change_id", "is not", null).execute()).toEqual([]);
  });

  test("an assignment that does not match the new quantities is refused", async () => {
    const contractId = await contractOf(kara.id);
    const asked = await ask(kara.id, contractId, "2027-03-15", { rack_unit: 12 });
    if (!asked.ok) throw new Error(asked.error);
    const result = await inTransactionOrRollback((trx) =>
      approveAmendment(trx, { changeId: asked.changeId, placements: [{ rackId: rack().id, kind: "units", firstU: 1, lastU: 10, powerW: 2000 }], portIds: [], actor: operator }),
    );
    expect(result).toEqual({ ok: false, error: "placement_mismatch" });
    // The suggestion grows the block in place: U1–U12.
    const { placements } = await suggestAssignment(t.db, (await getAmendment(t.db, { operator: true }, asked.changeId))!);
    expect(placements).toEqual([{ rackId: rack().id, kind: "units", firstU: 1, lastU: 12, powerW: 2000 }]);
  });
});
