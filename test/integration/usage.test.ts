import fc from "fast-check";
import { sql } from "kysely";
import { createTestDb, type TestDb } from "../support/db";
import { burstBudget, energyKwh, fiveMinuteSlots, hourlySeries, monthPeriod, percentile95, powerStats } from "~/modules/metering/usage.server";

let t: TestDb;
let siteId: string;
let counter = 0;

beforeAll(async () => {
  t = await createTestDb({ reference: true });
  siteId = (await t.db.selectFrom("sites").select("id").where("code", "=", "KIN").executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await t.cleanup();
});

async function meter(kind: "power" | "bandwidth" = "power") {
  const row = await t.db.insertInto("meters").values({ site_id: siteId, external_id: `M-${counter++}`, kind, description: null }).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

async function put(meterId: string, metric: "energy_kwh" | "power_w" | "bw_in_mbps" | "bw_out_mbps", rows: [string | Date, number | string][]) {
  if (rows.length === 0) return;
  await t.db.insertInto("samples").values(rows.map(([at, value]) => ({ meter_id: meterId, metric, at, value: String(value) }))).execute();
}

const OCT = { from: new Date("2026-10-01T00:00:00Z"), to: new Date("2026-11-01T00:00:00Z") };
const at = (minutes: number) => new Date(OCT.from.getTime() + minutes * 60_000);

describe("energy from cumulative counters", () => {
  test("sum of positive deltas; a drop is a reset and the next reading counts from zero", async () => {
    const m = await meter();
    await put(m, "energy_kwh", [
      [at(0), 100],
      [at(5), 110.5],
      [at(10), 5], // reset: counts 5
      [at(15), 15.25],
    ]);
    expect(Number(await energyKwh(t.db, [m], OCT))).toBe(10.5 + 5 + 10.25);
  });

  test("readings arriving out of order give the same answer", async () => {
    const m = await meter();
    await put(m, "energy_kwh", [[at(15), 40]]);
    await put(m, "energy_kwh", [[at(0), 10]]);
    await put(m, "energy_kwh", [[at(10), 2]]);
    await put(m, "energy_kwh", [[at(5), 30]]);
    // 10 → 30 (+20) → 2 (reset, +2) → 40 (+38)
    expect(Number(await energyKwh(t.db, [m], OCT))).toBe(60);
  });

  test("the last reading before the month is the starting point; readings after the month do not count", async () => {
    const m = await meter();
    await put(m, "energy_kwh", [
      ["2026-09-30T23:55:00Z", 1000],
      ["2026-10-01T00:05:00Z", 1004],
      ["2026-10-31T23:55:00Z", 1010],
      ["2026-11-01T00:05:00Z", 1020],
    ]);
    expect(Number(await energyKwh(t.db, [m], OCT))).toBe(10);
  });

  test("values are exact decimals, not floating point", async () => {
    const m = await meter();
    await put(m, "energy_kwh", [[at(0), "0.1"], [at(5), "0.3"], [at(10), "0.6"]]);
    expect(await energyKwh(t.db, [m], OCT)).toBe("0.500000");
  });
});

describe("95th percentile", () => {
  const bw = async (values: number[], opts: { outOffset?: number } = {}) => {
    const m = await meter("bandwidth");
    await put(m, "bw_in_mbps", values.map((v, i) => [at(i * 5), v]));
    if (opts.outOffset !== undefined) await put(m, "bw_out_mbps", values.map((v, i) => [at(i * 5), Math.max(0, v + opts.outOffset!)]));
    return m;
  };

  test("N = 1: the only sample", async () => {
    expect((await percentile95(t.db, [await bw([42])], OCT)).p95).toBe("42.000000");
  });

  test("N = 20: position ceil(0.95 × 20) = 19", async () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1); // 1..20
    expect((await percentile95(t.db, [await bw(values.reverse())], OCT)).p95).toBe("19.000000");
  });

  test("N = 8,640 (a 30-day month): position 8,208; the top 432 samples are discarded", async () => {
    const values = Array.from({ length: 8640 }, (_, i) => (i < 432 ? 1000 + i : 50));
    const result = await percentile95(t.db, [await bw(values)], { from: OCT.from, to: new Date("2026-10-31T00:00:00Z") }, 100);
    expect(result).toEqual({ p95: "50.000000", samples: 8640, aboveCommit: 432 });
    // One more burst sample pushes the 95th percentile to the burst level.
    const more = Array.from({ length: 8640 }, (_, i) => (i < 433 ? 1000 + i : 50));
    expect((await percentile95(t.db, [await bw(more)], OCT)).p95).toBe("1000.000000");
  });

  test("ties and max(in, out) per sample", async () => {
    const m = await bw([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10], { outOffset: 5 });
    expect((await percentile95(t.db, [m], OCT)).p95).toBe("15.000000");
  });

  test("missing samples are not invented: N counts the samples present", async () => {
    const m = await meter("bandwidth");
    // 10 samples with gaps between them.
    await put(m, "bw_out_mbps", Array.from({ length: 10 }, (_, i) => [at(i * 60), i + 1] as [Date, number]));
    expect(await percentile95(t.db, [m], OCT, 5)).toEqual({ p95: "10.000000", samples: 10, aboveCommit: 5 });
  });

  test("a month in Africa/Kinshasa starts at 23:00 UTC the day before", async () => {
    const oct = await monthPeriod(t.db, "2026-10", "Africa/Kinshasa");
    expect(oct.from.toISOString()).toBe("2026-09-30T23:00:00.000Z");
    expect(oct.to.toISOString()).toBe("2026-10-31T23:00:00.000Z");
    const m = await meter("bandwidth");
    await put(m, "bw_in_mbps", [
      ["2026-09-30T22:55:00Z", 999], // September in Kinshasa
      ["2026-09-30T23:00:00Z", 7], // 1 October 00:00 in Kinshasa
      ["2026-10-31T22:55:00Z", 8],
      ["2026-10-31T23:00:00Z", 999], // November in Kinshasa
    ]);
    expect(await percentile95(t.db, [m], oct)).toMatchObject({ p95: "8.000000", samples: 2 });
    expect(fiveMinuteSlots(oct)).toBe(31 * 288);
  });
});

describe("5-minute instants: collectors' jitter does not make more instants", () => {
  const sec = (minutes: number, seconds: number) => new Date(at(minutes).getTime() + seconds * 1000);

  test("in and out of a port a few seconds apart are one instant: max(in, out), N counts instants", async () => {
    const m = await meter("bandwidth");
    // 20 instants: in = 10 at :00, out = 1..20 two seconds later. One instant each: max = 10 or out.
    await put(m, "bw_in_mbps", Array.from({ length: 20 }, (_, i) => [at(i * 5), 10] as [Date, number]));
    await put(m, "bw_out_mbps", Array.from({ length: 20 }, (_, i) => [sec(i * 5, 2), i + 1] as [Date, number]));
    // Per instant max(10, i + 1): 10 × 10, then 11..20. N = 20, position 19 → 19.
    // (Counted apart, N would be 40 and the 38th of 40 would be 18.)
    expect(await percentile95(t.db, [m], OCT, 15)).toEqual({ p95: "19.000000", samples: 20, aboveCommit: 5 });
  });

  test("two meters of one contract a few seconds apart add up in the same instant", async () => {
    const a = await meter("bandwidth");
    const b = await meter("bandwidth");
    await put(a, "bw_in_mbps", [[at(0), 30], [at(5), 40]]);
    await put(b, "bw_in_mbps", [[sec(0, 3), 20], [sec(5, 4), 25]]);
    expect(await percentile95(t.db, [a, b], OCT)).toEqual({ p95: "65.000000", samples: 2, aboveCommit: 2 });
    const pa = await meter();
    const pb = await meter();
    await put(pa, "power_w", [[at(0), 1000], [at(5), 1000]]);
    await put(pb, "power_w", [[sec(0, 4), 500], [sec(5, 59), 700]]);
    expect(await powerStats(t.db, [pa, pb], OCT)).toEqual({ peakW: "1700.000000", averageW: "1600.0" });
    const hours = await hourlySeries(t.db, [a, b, pa, pb], OCT);
    expect(hours).toEqual([{ hour: OCT.from, in_mbps: "65.000000", out_mbps: null, power_w: "1700.000000" }]);
  });

  test("the instant is the 5-minute slot the sample falls in: 10:04:59 and 10:05:00 are two", async () => {
    const m = await meter("bandwidth");
    await put(m, "bw_in_mbps", [[sec(4, 59), 1], [at(5), 2]]);
    expect((await percentile95(t.db, [m], OCT)).samples).toBe(2);
  });
});

test("peak and average power", async () => {
  const m = await meter();
  await put(m, "power_w", [[at(0), 1000], [at(5), 3000], [at(10), 2000]]);
  expect(await powerStats(t.db, [m], OCT)).toEqual({ peakW: "3000.000000", averageW: "2000.0" });
});

test("burst budget: 5 % of the month's samples", () => {
  expect(burstBudget(8640, 0)).toEqual({ allowed: 432, used: 0, remaining: 432 });
  expect(burstBudget(8928, 500)).toEqual({ allowed: 446, used: 500, remaining: 0 });
});

describe("properties against a reference implementation", () => {
  const referenceP95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil((values.length * 95) / 100) - 1];
  const referenceEnergy = (values: number[]) => values.slice(1).reduce((sum, v, i) => sum + (v >= values[i] ? v - values[i] : v), 0);
  // Values with at most 2 decimals, kept as integers of hundredths to compare exactly.
  const hundredths = fc.integer({ min: 0, max: 1_000_000 });

  test("percentile95 = sorted[ceil(0.95 N) − 1]", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hundredths, { minLength: 1, maxLength: 300 }), async (raw) => {
        const m = await meter("bandwidth");
        await put(m, "bw_in_mbps", raw.map((v, i) => [at(i * 5), (v / 100).toFixed(2)]));
        const got = (await percentile95(t.db, [m], OCT)).p95!;
        expect(Math.round(Number(got) * 100)).toBe(referenceP95(raw));
      }),
      { numRuns: 25 },
    );
  });

  test("energy = Σ positive deltas with resets, whatever the insertion order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hundredths, { minLength: 0, maxLength: 200 }), fc.integer(), async (raw, salt) => {
        const m = await meter();
        const rows = raw.map((v, i) => [at(i * 5), (v / 100).toFixed(2)] as [Date, string]);
        // Insert in a shuffled order.
        const shuffled = rows.map((r, i) => ({ r, k: (i * 7919 + salt) % 104729 })).sort((a, b) => a.k - b.k).map((x) => x.r);
        await put(m, "energy_kwh", shuffled);
        const got = await energyKwh(t.db, [m], OCT);
        expect(Math.round(Number(got) * 100)).toBe(referenceEnergy(raw));
      }),
      { numRuns: 25 },
    );
  });
});

void sql;
