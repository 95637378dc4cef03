import { createTestDb, type TestDb } from "../support/db";
import { body, call, getRequest } from "../support/http";
import { commitBandwidth, createOrg, signedIn } from "../support/factories";
import type { ProductKind } from "#db/schema";
import { monthOf } from "~/modules/metering/contract-usage.server";
import { monthPeriod, type Period } from "~/modules/metering/usage.server";
import { loader as overviewLoader } from "~/routes/app.usage._index";
import { loader as pageLoader } from "~/routes/app.usage.$contractId";
import { loader as csvLoader } from "~/routes/app.usage.$contractId.samples[.csv]";
import { loader as chartLoader } from "~/routes/app.usage.$contractId.chart.$kind";
import { loader as daysLoader } from "~/routes/app.usage.$contractId.days";

/**
 * The tenant's usage pages, on a contract at Kinshasa (USD, Africa/Kinshasa = UTC+1) with a power
 * meter and a bandwidth meter, and three days of 5-minute samples in last month (a closed month: the
 * figures are final, whatever day the test runs), plus samples either side of it that must not count.
 */

const TZ = "Africa/Kinshasa";
const FIVE_MIN = 300_000;
const HOUR = 3_600_000;

const addMonths = (month: string, n: number) => {
  const d = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1 + n, 1));
  return d.toISOString().slice(0, 7);
};
const daysIn = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();

let t: TestDb;
let current: string; // this month at the site
let month: string; // last month: the one with samples
let period: Period;
let contractId: string;
let bareContractId: string; // no meter
let tenant: { cookie: string };
let stranger: { cookie: string };
let samplesInMonth = 0;

type Metric = "energy_kwh" | "power_w" | "bw_in_mbps" | "bw_out_mbps";
async function put(meterId: string, metric: Metric, rows: [Date, number | string][]) {
  for (let i = 0; i < rows.length; i += 1000) {
    await t.db
      .insertInto("samples")
      .values(rows.slice(i, i + 1000).map(([at, value]) => ({ meter_id: meterId, metric, at, value: String(value) })))
      .execute();
  }
}

async function contract(
  orgId: string,
  siteId: string,
  startOn: string,
  lines: Partial<Record<ProductKind, [quantity: number, unitPriceMinor: number]>>,
  /** The committed bandwidth, a bandwidth_commit_mbps version; null: none. */
  commit: [mbps: number, unitPriceMinor: number] | null,
) {
  const row = await t.db
    .insertInto("contracts")
    .values({ org_id: orgId, site_id: siteId, start_on: startOn, term_months: 12, request_id: null, approved_by: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  const products = await t.db.selectFrom("products").select(["id", "kind", "name_fr", "name_en"]).where("site_id", "=", siteId).execute();
  await t.db
    .insertInto("contract_lines")
    .values(
      Object.entries(lines).map(([kind, [quantity, price]]) => {
        const p = products.find((x) => x.kind === kind)!;
        return {
          contract_id: row.id,
          product_id: p.id,
          kind: p.kind,
          name_fr: p.name_fr,
          name_en: p.name_en,
          quantity,
          unit_price_minor: price,
          currency: "USD" as const,
        };
      }),
    )
    .execute();
  if (commit) await commitBandwidth(t.db, row.id, commit[0], { price: commit[1] });
  return row.id;
}

beforeAll(async () => {
  t = await createTestDb({ reference: true });
  const site = await t.db.selectFrom("sites").select(["id", "time_zone"]).where("code", "=", "KIN").executeTakeFirstOrThrow();
  expect(site.time_zone).toBe(TZ);
  current = monthOf(new Date(), TZ);
  month = addMonths(current, -1);
  period = await monthPeriod(t.db, month, TZ);

  const org = await createOrg(t.db);
  tenant = await signedIn(t.db, { orgId: org.id, role: "viewer" }); // every tenant role reads usage
  stranger = await signedIn(t.db, { orgId: (await createOrg(t.db)).id, role: "owner" });

  // Prices frozen on the contract, different from the price list: the page must use these.
  contractId = await contract(
    org.id,
    site.id,
    `${addMonths(current, -2)}-01`,
    {
      power_commit_kw: [2, 9_000],
      energy_kwh: [0, 25], // USD 0.25 per kWh
      bandwidth_overage_mbps: [0, 5_000], // USD 50.00 per Mbps above commit
    },
    [100, 1_200],
  );
  bareContractId = await contract(org.id, site.id, `${current}-01`, { rack_unit: [4, 10_000] }, null);

  const meter = async (externalId: string, kind: "power" | "bandwidth") => {
    const m = await t.db.insertInto("meters").values({ site_id: site.id, external_id: externalId, kind, description: null }).returning("id").executeTakeFirstOrThrow();
    await t.db
      .insertInto("meter_attachments")
      .values({ meter_id: m.id, contract_id: contractId, attached_on: `${addMonths(current, -2)}-01`, detached_on: null })
      .execute();
    return m.id;
  };
  const power = await meter("PDU-KIN-T1", "power");
  const bandwidth = await meter("SW-KIN-T1", "bandwidth");

  // Three days of 5-minute samples from the first instant of the month (local midnight).
  const at = (i: number) => new Date(period.from.getTime() + i * FIVE_MIN);
  const N = 864;
  // Bandwidth: 800 samples at max(60 in, 25 out) = 60, 30 at max(50, 120) = 120, 34 at max(200, 10) = 200.
  // (120: every 19th sample from the 6th, 30 of them, scattered; 200: a burst of 34 in a row from the 601st.)
  const level = (i: number) => (i >= 600 && i < 634 ? 200 : i % 19 === 5 && i < 5 + 19 * 30 ? 120 : 60);
  const levels = Array.from({ length: N }, (_, i) => level(i));
  expect(levels.filter((v) => v === 120).length).toBe(30);
  expect(levels.filter((v) => v === 200).length).toBe(34);
  await put(
    bandwidth,
    "bw_in_mbps",
    levels.map((v, i) => [at(i), v === 60 ? 60 : v === 120 ? 50 : 200]),
  );
  await put(
    bandwidth,
    "bw_out_mbps",
    levels.map((v, i) => [at(i), v === 60 ? 25 : v === 120 ? 120 : 10]),
  );
  // Power: 1,500 W, one peak at 2,600 W.
  await put(
    power,
    "power_w",
    Array.from({ length: N }, (_, i) => [at(i), i === 100 ? 2600 : 1500]),
  );
  // Energy counter, hourly: +1.25 kWh an hour from 1,000 kWh (the last reading of the month before),
  // reset at hour 36 to 0.5 kWh, then +1.25 an hour again.
  await put(
    power,
    "energy_kwh",
    Array.from({ length: 72 }, (_, k) => [new Date(period.from.getTime() + k * HOUR), k < 36 ? (1000 + 1.25 * (k + 1)).toFixed(2) : (0.5 + 1.25 * (k - 36)).toFixed(2)]),
  );
  samplesInMonth = 2 * N + N + 72;
  // Either side of the month: counted nowhere, exported nowhere (999 is never a value inside).
  const before = new Date(period.from.getTime() - FIVE_MIN);
  await put(power, "energy_kwh", [[before, 1000]]);
  await put(power, "power_w", [[before, 999]]);
  await put(bandwidth, "bw_in_mbps", [
    [before, 999],
    [period.to, 999],
  ]);
});

afterAll(async () => {
  await t.cleanup();
});

const page = (cookie: string, id: string, query = "") => call(pageLoader, getRequest(`/app/usage/${id}${query}`, { cookie }), { contractId: id });
const daysPage = (cookie: string, id: string, query = "") => call(daysLoader, getRequest(`/app/usage/${id}/days${query}`, { cookie }), { contractId: id });
const chart = (cookie: string | undefined, src: string) => {
  const [, id, kind] = src.match(/^\/app\/usage\/([^/]+)\/chart\/([^/?]+)/)!;
  return call(chartLoader, getRequest(src, { cookie }), { contractId: id, kind });
};
const csv = (cookie: string, id: string, query = "") => call(csvLoader, getRequest(`/app/usage/${id}/samples.csv${query}`, { cookie }), { contractId: id });

test("last month's page gives the final 95th percentile, burst budget, overage and energy, from the contract's prices", async () => {
  const res = await page(tenant.cookie, contractId, `?month=${month}`);
  expect(res.status).toBe(200);
  const d = await body(res);
  expect(d.month).toBe(month);
  expect(d.fellBack).toBe(false);
  expect(d.inProgress).toBe(false);
  expect(d.months).toEqual([current, month, addMonths(current, -2)]); // newest first, since the start
  expect(d.meters).toEqual({ bandwidth: 1, power: 1 });

  // 864 samples sorted: 800 × 60, 30 × 120, 34 × 200; position ceil(0.95 × 864) = 821 → 120 Mbps.
  expect(d.bandwidth.samples).toBe(864);
  expect(d.bandwidth.p95Mbps).toBe("120.000000");
  expect(d.bandwidth.commitMbps).toBe(100);
  expect(d.bandwidth.overMbps).toBe("20.000000");
  expect(d.bandwidth.overagePriceMinor).toBe(5_000);
  expect(d.bandwidth.overageMinor).toBe(100_000); // 20 Mbps × USD 50.00 = USD 1,000.00
  // 5 % of the month's 5-minute slots may exceed the commit; 64 samples did (30 at 120, 34 at 200).
  const allowed = Math.floor((daysIn(month) * 288 * 5) / 100);
  expect(d.bandwidth.burst).toEqual({ allowed, used: 64, remaining: allowed - 64 });

  // 36 × 1.25 + 0.5 (after the reset) + 35 × 1.25 = 89.25 kWh; × USD 0.25 = 22.3125 → 2,231 cents (half-up).
  expect(d.energy.kwh).toBe("89.250000");
  expect(d.energy.priceMinor).toBe(25);
  expect(d.energy.costMinor).toBe(2_231);
  // A closed month: the projection is the month itself.
  expect(d.energy.projectedKwh).toBe("89.250000");
  expect(d.energy.projectedCostMinor).toBe(2_231);

  // (863 × 1,500 + 2,600) / 864 = 1,501.27 W
  expect(d.power).toEqual({ commitW: 2000, peakW: "2600.000000", averageW: "1501.3" });

  // Hourly series, as the page draws them: on an axis up to 300 (200 Mbps × 1.05, rounded up), in
  // an image of their own (the "chart images" test below reads them).
  expect(d.hours).toBe(daysIn(month) * 24);
  expect(d.charts.bandwidth.ticks).toEqual([0, 100, 200, 300]);
  expect(d.charts.power.ticks).toEqual([0, 1, 2, 3]); // kW: 2.6 and the 2 kW commit
  expect(d.charts.bandwidth.src).toMatch(new RegExp(`^/app/usage/${contractId}/chart/bandwidth\\?month=${month}&v=[\\w-]{16}$`));
  expect(d.charts.power.src).toMatch(new RegExp(`^/app/usage/${contractId}/chart/power\\?month=${month}&v=[\\w-]{16}$`));
  expect(d.charts.energy.src).toMatch(new RegExp(`^/app/usage/${contractId}/chart/energy\\?month=${month}&v=[\\w-]{16}$`));
  expect(d.charts.energy.ticks).toEqual([0, 10, 20, 30, 40]); // 30 kWh a day × 1.05
  expect(d.charts.maxKwh).toBe(30);
  expect(d.charts.maxInMbps).toBe(200);
  expect(d.charts.maxOutMbps).toBe(120);
  // Each day's highest hour (288 samples a day): the 120s out stop on day 2; the 200 burst in is on
  // day 3 (samples 600–633); the 2,600 W peak is sample 100, day 1. Energy per day: 24 × 1.25 = 30;
  // day 2 has the reset (23 × 1.25 + 0.5 = 29.25).
  expect(d.dayCount).toBe(3);
  const table = await body(await daysPage(tenant.cookie, contractId, `?month=${month}`));
  expect(table).toMatchObject({ month, bandwidth: true, power: true });
  expect(table.days).toEqual([
    { day: 1, inMbps: 60, outMbps: 120, powerW: 2600, kwh: "30.000000" },
    { day: 2, inMbps: 60, outMbps: 120, powerW: 1500, kwh: "29.250000" },
    { day: 3, inMbps: 200, outMbps: 25, powerW: 1500, kwh: "30.000000" },
  ]);
  expect(d.contract).toMatchObject({ id: contractId, siteCode: "KIN", currency: "USD" });
});

test("the default month is the current month at the site, in progress; a contract without meters says so", async () => {
  const d = await body(await page(tenant.cookie, contractId));
  expect(d.month).toBe(current);
  expect(d.fellBack).toBe(false);
  expect(d.inProgress).toBe(true);
  // This month so far: the one sample at its first instant (999 Mbps), no energy reading yet.
  expect(d.bandwidth).toMatchObject({ samples: 1, p95Mbps: "999.000000", overMbps: "899.000000", overageMinor: 899 * 5_000 });
  expect(d.bandwidth.burst.used).toBe(1);
  expect(d.energy.kwh).toBe("0");
  expect(d.power).toEqual({ commitW: 2000, peakW: null, averageW: null });

  const bare = await body(await page(tenant.cookie, bareContractId));
  expect(bare.meters).toEqual({ bandwidth: 0, power: 0 });
  expect(bare.months).toEqual([current]);
  expect(bare.charts).toEqual({ bandwidth: null, maxInMbps: null, maxOutMbps: null, power: null, energy: null, maxKwh: null });
  expect(bare.dayCount).toBe(0);
  expect((await body(await daysPage(tenant.cookie, bareContractId))).days).toEqual([]);
});

test.each(["garbage", "2026-13", "1999-01", `${addMonths(new Date().toISOString().slice(0, 7), 3)}`, "", "2026-1"])(
  "?month=%s is not a 500: the current month is shown instead",
  async (asked) => {
    const res = await page(tenant.cookie, contractId, `?month=${encodeURIComponent(asked)}`);
    expect(res.status).toBe(200);
    const d = await body(res);
    expect(d.month).toBe(current);
    expect(d.fellBack).toBe(true);
  },
);

test("a contract that ended, or starts next month, shows its own nearest month, asked for or not", async () => {
  const org = (await t.db.selectFrom("contracts").select("org_id").where("id", "=", contractId).executeTakeFirstOrThrow()).org_id;
  const site = (await t.db.selectFrom("sites").select("id").where("code", "=", "KIN").executeTakeFirstOrThrow()).id;
  // Ended on the last day of the month before last: its months are the three before that.
  const ended = await contract(org, site, `${addMonths(current, -4)}-01`, { rack_unit: [1, 10_000] }, null);
  const lastDay = `${addMonths(current, -2)}-${String(daysIn(addMonths(current, -2))).padStart(2, "0")}`;
  await t.db.updateTable("contracts").set({ end_on: lastDay }).where("id", "=", ended).execute();
  const later = await contract(org, site, `${addMonths(current, 1)}-01`, { rack_unit: [1, 10_000] }, null);

  const e = await body(await page(tenant.cookie, ended));
  expect(e.months).toEqual([addMonths(current, -2), addMonths(current, -3), addMonths(current, -4)]);
  expect(e.month).toBe(addMonths(current, -2));
  expect(e.inProgress).toBe(false);
  expect(e.fellBack).toBe(false);
  // Asked for a month of its own: that month; for this month (after its end): its last one, said so.
  expect((await body(await page(tenant.cookie, ended, `?month=${addMonths(current, -3)}`))).month).toBe(addMonths(current, -3));
  const afterEnd = await body(await page(tenant.cookie, ended, `?month=${current}`));
  expect(afterEnd).toMatchObject({ month: addMonths(current, -2), fellBack: true });

  const l = await body(await page(tenant.cookie, later));
  expect(l.months).toEqual([addMonths(current, 1)]);
  expect(l).toMatchObject({ month: addMonths(current, 1), fellBack: false });
  expect((await body(await page(tenant.cookie, later, `?month=${current}`))).month).toBe(addMonths(current, 1));
});

/** The absolute points of each run of an SVG path of M, l and h commands. */
function runsOf(d: string): [number, number][][] {
  const runs: [number, number][][] = [];
  let [x, y] = [0, 0];
  for (const [, command, args] of d.matchAll(/([Mlh])([^Mlh]*)/g)) {
    const n = args.match(/-?\d+/g)!.map(Number);
    if (command === "M") runs.push([([x, y] = n) as [number, number]]);
    else runs[runs.length - 1].push(command === "l" ? [(x += n[0]), (y += n[1])] : [(x += n[0]), y]);
  }
  return runs;
}

test("chart images: the month's hourly lines and daily bars, kept by the browser only at their current address", async () => {
  const d = await body(await page(tenant.cookie, contractId, `?month=${month}`));
  const hours = daysIn(month) * 24;
  const svgOf = async (src: string) => {
    const res = await chart(tenant.cookie, src);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/svg+xml; charset=utf-8");
    expect(res.headers.get("Cache-Control")).toBe("private, max-age=86400, immutable");
    return { text: await res.text(), version: new URL(src, "http://x").searchParams.get("v") };
  };
  const bandwidth = await svgOf(d.charts.bandwidth.src);
  const power = await svgOf(d.charts.power.src);
  const energy = await svgOf(d.charts.energy.src);
  // Energy: a bar per day, 14 units wide in the middle of its 20, on an axis to 40 kWh:
  // 30 kWh (750 of 1,000), 29.25 (731.25, drawn 731), 30.
  expect(energy.text).toBe(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${20 * daysIn(month)} 1000" preserveAspectRatio="none">` +
      `<path d="M3 1000v-750h14v750zM23 1000v-731h14v731zM43 1000v-750h14v750z" fill="#0c7a7c"/></svg>`,
  );
  for (const svg of [bandwidth.text, power.text]) {
    expect(svg).toMatch(new RegExp(`^<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${2 * hours} 1000" preserveAspectRatio="none">`));
  }
  for (const svg of [bandwidth.text, power.text, energy.text]) {
    // Shapes only: no text, no script, nothing loaded.
    expect(svg).not.toMatch(/<(text|script|image|use|style|title)|href/i);
  }
  const paths = (svg: string) => [...svg.matchAll(/ d="([^"]+)"/g)].map((m) => m[1]);
  // Bandwidth in then out; each point at the middle of its hour (2 units an hour), on an axis to 300
  // (1,000 units high). Each hour's highest 5-minute value: in is 60 but 200 in hours 50–52 (the
  // burst, samples 600–633); out is 25, and 120 in the hours of the scattered samples (i % 19 = 5).
  const [inPath, outPath] = paths(bandwidth.text);
  const y = (v: number, top: number) => Math.round(1000 - (v / top) * 1000);
  const hourly = (value: (sample: number) => number) => Array.from({ length: 72 }, (_, h) => Math.max(...Array.from({ length: 12 }, (_, k) => value(12 * h + k))));
  const levelAt = (i: number) => (i >= 600 && i < 634 ? 200 : i % 19 === 5 && i < 5 + 19 * 30 ? 120 : 60);
  const expectRun = (path: string, values: number[], top: number) => {
    const runs = runsOf(path);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toEqual(values.map((v, h) => [2 * h + 1, y(v, top)]));
  };
  expectRun(inPath, hourly((i) => (levelAt(i) === 200 ? 200 : levelAt(i) === 120 ? 50 : 60)), 300);
  expectRun(outPath, hourly((i) => (levelAt(i) === 200 ? 10 : levelAt(i) === 120 ? 120 : 25)), 300);
  // Power in kW on an axis to 3: 1.5 kW, 2.6 in hour 8 (sample 100).
  expectRun(paths(power.text)[0], hourly((i) => (i === 100 ? 2.6 : 1.5)), 3);

  // The same address again: the same bytes. Another `v` (an older drawing): today's, never kept.
  expect((await svgOf(d.charts.bandwidth.src)).text).toBe(bandwidth.text);
  const old = await chart(tenant.cookie, d.charts.bandwidth.src.replace(/v=[\w-]+/, "v=older"));
  expect(old.status).toBe(200);
  expect(old.headers.get("Cache-Control")).toBe("private, no-store");
  expect(await old.text()).toBe(bandwidth.text);

  // Another organisation, no session, another kind, a contract without meters: never the image.
  expect((await chart(stranger.cookie, d.charts.bandwidth.src)).status).toBe(404);
  expect([302, 303]).toContain((await chart(undefined, d.charts.bandwidth.src)).status);
  expect((await chart(tenant.cookie, d.charts.bandwidth.src.replace("/bandwidth?", "/temperature?"))).status).toBe(404);
  expect((await chart(tenant.cookie, `/app/usage/${bareContractId}/chart/power?month=${current}`)).status).toBe(404);
  expect((await chart(tenant.cookie, `/app/usage/not-a-uuid/chart/power`)).status).toBe(404);
});

test("another organisation's contract, or no contract at all, is 404 on the page and on the CSV", async () => {
  expect((await page(stranger.cookie, contractId)).status).toBe(404);
  expect((await page(stranger.cookie, contractId, `?month=${month}`)).status).toBe(404);
  expect((await daysPage(stranger.cookie, contractId, `?month=${month}`)).status).toBe(404);
  expect((await csv(stranger.cookie, contractId, `?month=${month}`)).status).toBe(404);
  expect((await page(tenant.cookie, "not-a-uuid")).status).toBe(404);
  expect((await csv(tenant.cookie, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
  // Signed out: to the sign-in page, not the data.
  const anonymous = await call(csvLoader, getRequest(`/app/usage/${contractId}/samples.csv`), { contractId });
  expect([302, 303]).toContain(anonymous.status);
});

test("the CSV holds the header and every sample of the month, and none of the months around it", async () => {
  const res = await csv(tenant.cookie, contractId, `?month=${month}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toMatch(/^text\/csv/);
  expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="usage-KIN-${month}.csv"`);
  const lines = (await res.text()).trimEnd().split("\n");
  expect(lines[0]).toBe("meter,metric,at,value");
  const rows = lines.slice(1).map((l) => l.split(","));
  expect(rows).toHaveLength(samplesInMonth);
  for (const [, , at, value] of rows) {
    const instant = new Date(at).getTime();
    expect(instant).toBeGreaterThanOrEqual(period.from.getTime());
    expect(instant).toBeLessThan(period.to.getTime());
    expect(value).not.toBe("999.000000");
  }
  const count = (meter: string, metric: string) => rows.filter((r) => r[0] === meter && r[1] === metric).length;
  expect(count("SW-KIN-T1", "bw_in_mbps")).toBe(864);
  expect(count("SW-KIN-T1", "bw_out_mbps")).toBe(864);
  expect(count("PDU-KIN-T1", "power_w")).toBe(864);
  expect(count("PDU-KIN-T1", "energy_kwh")).toBe(72);
  expect(lines).toContain(`PDU-KIN-T1,energy_kwh,${period.from.toISOString()},1001.250000`);
  // No line twice.
  expect(new Set(lines).size).toBe(lines.length);
});

test("a malformed month on the CSV is the current month, not a 500", async () => {
  const res = await csv(tenant.cookie, contractId, "?month=garbage");
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="usage-KIN-${current}.csv"`);
  expect((await res.text()).trimEnd().split("\n")).toEqual(["meter,metric,at,value", `SW-KIN-T1,bw_in_mbps,${period.to.toISOString()},999.000000`]);
});

test("the overview shows each active contract's current month, to its own organisation only", async () => {
  const mine = await body(await call(overviewLoader, getRequest("/app/usage", { cookie: tenant.cookie })));
  const ids = mine.contracts.map((c: { id: string }) => c.id).sort();
  expect(ids).toEqual([contractId, bareContractId].sort());
  const c = mine.contracts.find((x: { id: string }) => x.id === contractId);
  expect(c).toMatchObject({ siteCode: "KIN", currency: "USD", month: current, inProgress: true, hasBandwidthMeter: true, hasPowerMeter: true, commitMbps: 100 });
  const bare = mine.contracts.find((x: { id: string }) => x.id === bareContractId);
  expect(bare).toMatchObject({ hasBandwidthMeter: false, hasPowerMeter: false });

  const theirs = await body(await call(overviewLoader, getRequest("/app/usage", { cookie: stranger.cookie })));
  expect(theirs.contracts).toEqual([]);
  expect(theirs.ended).toEqual([]);
});
