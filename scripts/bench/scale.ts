/**
 * `npm run bench:scale` — a national site's samples on PostgreSQL (issue 11): ingestion as the monthly
 * partitions fill, the month's figures from the rollups beside the raw-sample SQL, the billing run,
 * and the size on disk per month.
 *
 * The target volume is 2,000 meters × 4 metrics every 5 minutes: 2,000 × 4 × 288 × 365 = 840,960,000
 * samples a year (≈ 70 M a month). The default run is a stated fraction of it, extrapolated at the
 * end with the arithmetic printed: `--meters` (200) meters, each posting the 4 metrics every 5
 * minutes (energy counter, power draw, bandwidth in and out; half are billed as power meters, half
 * as bandwidth meters), for `--months` (2) months from October 2026 at LDC (Africa/Lome):
 *
 * 1. the first month through the real ingestion path in this process — `parseBatch` (JSON of 10,000
 *    samples, validation) then `storeBatch` (the INSERT … ON CONFLICT the API runs, with the rollup
 *    trigger), two batches in flight, samples in time order as collectors send them; the rate is
 *    printed for each quarter of the month as its partition fills;
 * 2. every later month with `COPY … FROM STDIN` into `samples` (the baseline: the same table, the same
 *    trigger, no application), by quarter too;
 * 3. on the first month: the p95 of one contract and the whole usage page of it (`contractUsage`), the
 *    usage of every contract of the site (`siteUsage`), each beside the same figures from the raw
 *    samples (`reference.*`, `referenceSiteUsage`), with a check that both agree; then the billing
 *    run (`runBilling`, which reads `siteUsage`);
 * 4. the size of every partition (`pg_total_relation_size`) and of the rollup tables.
 *
 * `--full`: 2,000 meters × 12 months (hours on a 2-core machine). A throw-away database on
 * BENCH_DATABASE_URL's server (default the local one) is dropped at the end unless `--keep`.
 */
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { sql } from "kysely";
import { pgKysely } from "../../db/client.server";
import { migrateToLatest } from "../../db/migrate.server";
import { seed } from "../../seeds/index.server";
import { parseBatch, storeBatch, type Sample } from "../../app/modules/metering/ingest.server";
import { maintainSamplePartitions, samplePartitions } from "../../app/modules/metering/partitions.server";
import { contractMeters } from "../../app/modules/metering/meters.server";
import { monthPeriod, percentile95, reference, type MeterWindow } from "../../app/modules/metering/usage.server";
import { forgetHeldFigures } from "../../app/modules/metering/month-figures.server";
import { contractUsage } from "../../app/modules/metering/contract-usage.server";
import { referenceSiteUsage, siteUsage } from "../../app/modules/billing/site-usage.server";
import { contractCommitMbps } from "../../app/modules/contracts/versions.server";
import { runBilling } from "../../app/modules/billing/run.server";

const { values: opts } = parseArgs({
  options: {
    meters: { type: "string", default: "200" },
    months: { type: "string", default: "2" },
    full: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const METERS = opts.full ? 2000 : Number(opts.meters);
const MONTHS = opts.full ? 12 : Number(opts.months);
if (!Number.isInteger(METERS) || METERS < 4 || METERS % 2 !== 0 || !Number.isInteger(MONTHS) || MONTHS < 1 || MONTHS > 24) {
  console.error("usage: bench:scale [--meters 200 (even, ≥ 4)] [--months 2 (1–24)] [--full (2,000 meters, 12 months)] [--keep]");
  process.exit(2);
}
const CONTRACTS = METERS / 2;
const ORGS = Math.max(1, Math.floor(CONTRACTS / 2));
const BATCH = 10_000;
const IN_FLIGHT = 2;
const FIVE = 300_000;
const METRICS = ["energy_kwh", "power_w", "bw_in_mbps", "bw_out_mbps"] as const;
const TARGET_METERS = 2000;
const FULL_YEAR = TARGET_METERS * 4 * 288 * 365;

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const name = `portal_bench_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
const db = pgKysely(url.toString(), 4);

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
const seconds = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
  const t0 = performance.now();
  const result = await fn();
  return [(performance.now() - t0) / 1000, result];
};
async function median<T>(runs: number, fn: () => Promise<T>): Promise<[number, T]> {
  const times: number[] = [];
  let last!: T;
  for (let i = 0; i < runs; i++) {
    const [s, r] = await seconds(fn);
    times.push(s);
    last = r;
  }
  times.sort((a, b) => a - b);
  return [times[Math.floor(times.length / 2)], last];
}
const ms = (s: number) => (s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(2)} s`);

/** The month k after October 2026 as [first instant, next month's first instant) in UTC (Lomé is UTC). */
const monthOf = (k: number) => {
  const from = new Date(Date.UTC(2026, 9 + k, 1));
  const to = new Date(Date.UTC(2026, 10 + k, 1));
  return { label: from.toISOString().slice(0, 7), from, to };
};

/** A deterministic value for meter m, metric, instant i (ms): counters only grow, except a reset on the 10th for one meter in ten. */
function value(m: number, metric: (typeof METRICS)[number], at: number): number {
  const x = at / FIVE;
  switch (metric) {
    case "energy_kwh": {
      const reset = m % 10 === 0 && new Date(at).getUTCDate() >= 10 ? (at - Date.UTC(new Date(at).getUTCFullYear(), new Date(at).getUTCMonth(), 10)) / FIVE : null;
      return Number(((reset ?? x - 5_000_000) * (0.05 + (m % 5) * 0.01) + (reset === null ? 1000 * m : 0)).toFixed(3));
    }
    case "power_w":
      return Math.round(800 + 400 * Math.abs(Math.sin(x / 24 + m)) + (m % 7) * 50);
    case "bw_in_mbps":
      return Number((20 + 80 * Math.abs(Math.sin(x / 24 + m)) + (m % 7) * 10).toFixed(3));
    case "bw_out_mbps":
      return Number((15 + 60 * Math.abs(Math.cos(x / 30 + m)) + (m % 5) * 10).toFixed(3));
  }
}

/** The samples of instants [fromIdx, toIdx) of a month, in time order, all meters and metrics of one instant together. */
function* instantsOf(month: { from: Date; to: Date }) {
  for (let at = month.from.getTime(); at < month.to.getTime(); at += FIVE) yield at;
}

try {
  console.log(`Database ${name}: migrating and seeding…`);
  await migrateToLatest(db);
  await seed(db, { demo: false });
  const site = await db.selectFrom("sites").select(["id", "time_zone", "currency"]).where("code", "=", "LDC").executeTakeFirstOrThrow();
  // Partitions: the upkeep job's own function, run as on the first day of each month.
  for (let k = 0; k < MONTHS; k++) await maintainSamplePartitions(db, { now: monthOf(k).from, retentionMonths: null });

  console.log(`${ORGS} organisations, ${CONTRACTS} contracts, ${METERS} meters (4 metrics each, every 5 minutes), ${MONTHS} month(s)…`);
  await sql`
    INSERT INTO organisations (name, kind, tax_id, billing_email, address, country, status)
    SELECT 'Scale org ' || lpad(i::text, 5, '0'), 'sme', 'NIF-SCALE-' || i, 'billing-' || i || '@bench.test', 'Lomé', 'TG', 'verified'
      FROM generate_series(1, ${ORGS}) i
  `.execute(db);
  await sql`
    INSERT INTO contracts (org_id, site_id, start_on, term_months)
    SELECT o.id, ${site.id}, DATE '2026-01-01', 36
      FROM generate_series(0, ${CONTRACTS - 1}) i
      JOIN (SELECT id, row_number() OVER (ORDER BY name) - 1 AS n FROM organisations) o ON o.n = i % ${ORGS}
  `.execute(db);
  await sql`
    INSERT INTO contract_lines (contract_id, product_id, kind, name_fr, name_en, quantity, unit_price_minor, currency)
    SELECT c.id, p.id, p.kind, p.name_fr, p.name_en,
           CASE p.kind WHEN 'bandwidth_commit_mbps' THEN 5 + (row_number() OVER (PARTITION BY p.kind ORDER BY c.id)) % 10 WHEN 'power_commit_kw' THEN 2 WHEN 'full_rack' THEN 1 ELSE 0 END,
           CASE p.kind WHEN 'full_rack' THEN 250000 WHEN 'power_commit_kw' THEN 90000 WHEN 'bandwidth_commit_mbps' THEN 10000 WHEN 'energy_kwh' THEN 150 ELSE 5000 END,
           ${site.currency}
      FROM contracts c
      JOIN products p ON p.site_id = c.site_id AND p.is_active AND p.kind IN ('full_rack', 'power_commit_kw', 'bandwidth_commit_mbps', 'energy_kwh', 'bandwidth_overage_mbps')
  `.execute(db);
  await sql`
    INSERT INTO meters (site_id, external_id, kind)
    SELECT ${site.id}, 'SCALE-' || lpad(m::text, 5, '0'), CASE WHEN m % 2 = 0 THEN 'power' ELSE 'bandwidth' END
      FROM generate_series(0, ${METERS - 1}) m
  `.execute(db);
  // Meter m measures contract m div 2 (one power and one bandwidth meter each).
  await sql`
    WITH c AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM contracts),
         m AS (SELECT id, substr(external_id, 7)::int AS n FROM meters WHERE external_id LIKE 'SCALE-%')
    INSERT INTO meter_attachments (meter_id, contract_id, attached_on)
    SELECT m.id, c.id, DATE '2026-01-01' FROM m JOIN c ON c.n = m.n / 2
  `.execute(db);
  const meterIds = (await db.selectFrom("meters").select(["id", "external_id"]).where("external_id", "like", "SCALE-%").orderBy("external_id").execute()).map((m) => m);

  type Slice = { month: string; quarter: number; path: string; samples: number; seconds: number; partitionBytes: number };
  const slices: Slice[] = [];
  const partitionBytes = async (label: string) => {
    const p = (await samplePartitions(db)).find((x) => x.name === `samples_y${label.slice(0, 4)}m${label.slice(5, 7)}`);
    return p ? Number(p.bytes) : 0;
  };

  // 1. The first month through the ingestion path.
  {
    const month = monthOf(0);
    const now = new Date(month.to.getTime() + 3_600_000);
    const all = [...instantsOf(month)];
    const perInstant = METERS * 4;
    const instantsPerBatch = Math.max(1, Math.floor(BATCH / perInstant));
    console.log(`\n${month.label} through parseBatch + storeBatch (${fmt(all.length * perInstant)} samples, batches of ≤ ${fmt(instantsPerBatch * perInstant)}, ${IN_FLIGHT} in flight)…`);
    for (let q = 0; q < 4; q++) {
      const part = all.slice(Math.floor((q * all.length) / 4), Math.floor(((q + 1) * all.length) / 4));
      const batches: number[][] = [];
      for (let i = 0; i < part.length; i += instantsPerBatch) batches.push(part.slice(i, i + instantsPerBatch));
      let next = 0;
      let stored = 0;
      const [s] = await seconds(async () => {
        await Promise.all(
          Array.from({ length: IN_FLIGHT }, async () => {
            for (;;) {
              const b = batches[next++];
              if (!b) return;
              const samples: Sample[] = [];
              for (const at of b) {
                const iso = new Date(at + 1000).toISOString(); // a collector a second late
                for (const [m, meter] of meterIds.entries()) for (const metric of METRICS) samples.push({ meter: meter.external_id, metric, at: iso, value: value(m, metric, at) });
              }
              const batch = parseBatch("application/json", JSON.stringify({ samples }), { now, retentionMonths: null });
              if (!batch.ok) throw new Error(JSON.stringify(batch.failure.body).slice(0, 500));
              const result = await storeBatch(db, site.id, batch.samples);
              if (!result.ok) throw new Error(JSON.stringify(result.failure.body).slice(0, 500));
              stored += result.accepted;
            }
          }),
        );
      });
      slices.push({ month: month.label, quarter: q + 1, path: "parseBatch + storeBatch", samples: stored, seconds: s, partitionBytes: await partitionBytes(month.label) });
      console.log(`  quarter ${q + 1}: ${fmt(stored)} samples in ${s.toFixed(1)} s = ${fmt(stored / s)} samples/s`);
    }
  }

  // 2. Every later month with COPY.
  const copyClient = new pg.Client({ connectionString: url.toString() });
  await copyClient.connect();
  for (let k = 1; k < MONTHS; k++) {
    const month = monthOf(k);
    const all = [...instantsOf(month)];
    console.log(`\n${month.label} with COPY (${fmt(all.length * METERS * 4)} samples)…`);
    for (let q = 0; q < 4; q++) {
      const part = all.slice(Math.floor((q * all.length) / 4), Math.floor(((q + 1) * all.length) / 4));
      // The CSV is prepared before the clock starts (the baseline measures the database alone).
      const chunks: string[] = [];
      for (const at of part) {
        const iso = new Date(at + 1000).toISOString();
        let lines = "";
        for (const [m, meter] of meterIds.entries()) for (const metric of METRICS) lines += `${meter.id},${metric},${iso},${value(m, metric, at)}\n`;
        chunks.push(lines);
      }
      const rows = part.length * METERS * 4;
      const [s] = await seconds(() => pipeline(Readable.from(chunks), copyClient.query(copyFrom("COPY samples (meter_id, metric, at, value) FROM STDIN WITH (FORMAT csv)"))));
      slices.push({ month: month.label, quarter: q + 1, path: "COPY (baseline)", samples: rows, seconds: s, partitionBytes: await partitionBytes(month.label) });
      console.log(`  quarter ${q + 1}: ${fmt(rows)} rows in ${s.toFixed(1)} s = ${fmt(rows / s)} rows/s`);
    }
  }
  await copyClient.end();
  console.log("\nVACUUM ANALYZE…");
  await sql`VACUUM ANALYZE samples`.execute(db);
  await sql`VACUUM ANALYZE usage_instants`.execute(db);
  await sql`VACUUM ANALYZE energy_hours`.execute(db);
  const total = (await sql<{ n: number }>`SELECT count(*)::int8 AS n FROM samples`.execute(db)).rows[0].n;

  // 3. The first month's figures: rollups beside raw SQL.
  const month = monthOf(0);
  const period = await monthPeriod(db, month.label, site.time_zone);
  const contract = (await db.selectFrom("contracts").select("id").orderBy("id").executeTakeFirstOrThrow()).id;
  const meters = await contractMeters(db, contract, period, site.time_zone);
  const bwWindows: MeterWindow[] = meters.filter((m) => m.kind === "bandwidth").map((m) => ({ id: m.id, from: m.from, to: m.to }));
  const commit = await contractCommitMbps(db, contract, month.label);
  console.log(`\nQueries over ${month.label} (${fmt(total)} samples in the table)…`);
  const [p95Rollup, a] = await median(7, () => percentile95(db, bwWindows, period, commit));
  const [p95Raw, b] = await median(5, () => reference.percentile95(db, bwWindows, period, commit));
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`p95 differs: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  // The usage page computes a month once from the rollups, then reads the kept figures (ADR 025):
  // the computation is timed with the kept row deleted before each run, then a repeated view.
  const viewPage = () => contractUsage(db, { operator: true }, contract, month.label, new Date(month.to.getTime() + 86_400_000));
  const [pageRollup] = await median(5, async () => {
    await db.deleteFrom("usage_month_cache").where("contract_id", "=", contract).execute();
    forgetHeldFigures();
    return viewPage();
  });
  const [pageKept] = await median(7, () => {
    forgetHeldFigures();
    return viewPage();
  });
  const [pageHeld] = await median(7, viewPage);
  const [siteRollup, su] = await median(3, () => siteUsage(db, { siteId: site.id, period, timeZone: site.time_zone }));
  const [siteRaw, sr] = await median(1, () => referenceSiteUsage(db, { siteId: site.id, period, timeZone: site.time_zone }));
  for (const [id, u] of sr) {
    const r = su.get(id)!;
    if (r.p95 !== u.p95 || r.energyKwh !== u.energyKwh || r.samples !== u.samples) throw new Error(`site usage differs for ${id}`);
  }
  const [billing, run] = await seconds(() => runBilling(db, { siteCode: "LDC", period: month.label }));

  // 4. Sizes.
  const parts = await samplePartitions(db);
  const rollupBytes = (await sql<{ i: number; e: number }>`SELECT pg_total_relation_size('usage_instants')::int8 AS i, pg_total_relation_size('energy_hours')::int8 AS e`.execute(db)).rows[0];
  const monthSamples = (k: number) => ((monthOf(k).to.getTime() - monthOf(k).from.getTime()) / FIVE) * METERS * 4;

  console.log(`\n=== bench:scale — ${METERS} meters × 4 metrics every 5 minutes, ${MONTHS} month(s), ${fmt(total)} samples (PostgreSQL) ===`);
  console.log(`\nIngestion as the partitions fill`);
  console.log(`  ${"month".padEnd(8)} ${"quarter".padEnd(8)} ${"path".padEnd(26)} ${"samples".padStart(11)} ${"seconds".padStart(8)} ${"samples/s".padStart(10)} ${"partition".padStart(10)}`);
  for (const s of slices) console.log(`  ${s.month.padEnd(8)} ${String(s.quarter).padEnd(8)} ${s.path.padEnd(26)} ${fmt(s.samples).padStart(11)} ${s.seconds.toFixed(1).padStart(8)} ${fmt(s.samples / s.seconds).padStart(10)} ${mb(s.partitionBytes).padStart(10)}`);
  const rate = (path: string) => {
    const xs = slices.filter((s) => s.path === path);
    return xs.length ? xs.reduce((n, s) => n + s.samples, 0) / xs.reduce((n, s) => n + s.seconds, 0) : null;
  };
  const apiRate = rate("parseBatch + storeBatch")!;
  const copyRate = rate("COPY (baseline)");
  console.log(`  overall: ingestion path ${fmt(apiRate)} samples/s${copyRate ? `, COPY ${fmt(copyRate)} rows/s, ratio ${(apiRate / copyRate).toFixed(2)}` : ""}`);

  console.log(`\n${month.label}'s figures (median of runs)   rollups        raw samples (baseline)   ratio`);
  console.log(`  p95 of one contract                ${ms(p95Rollup).padStart(10)}   ${ms(p95Raw).padStart(12)}             ${(p95Raw / p95Rollup).toFixed(0)}×`);
  console.log(`  the contract's whole usage page    ${ms(pageRollup).padStart(10)}   (contractUsage: p95, energy, power, per day, hourly series, computed)`);
  console.log(`    … viewed again                   ${ms(pageKept).padStart(10)}   (the kept figures, nothing changed)`);
  console.log(`    … by the same process            ${ms(pageHeld).padStart(10)}   (the figures it holds, ADR 029)`);
  console.log(`  every contract of the site         ${ms(siteRollup).padStart(10)}   ${ms(siteRaw).padStart(12)}             ${(siteRaw / siteRollup).toFixed(0)}×   (${fmt(su.size)} contracts)`);
  console.log(`  billing run (runBilling)           ${ms(billing).padStart(10)}   (${run.invoices} draft invoices)`);

  console.log(`\nOn disk`);
  for (const p of parts) console.log(`  ${p.name.padEnd(20)} ${mb(Number(p.bytes)).padStart(10)}`);
  console.log(`  ${"usage_instants".padEnd(20)} ${mb(Number(rollupBytes.i)).padStart(10)}   (rollup, kept after retention)`);
  console.log(`  ${"energy_hours".padEnd(20)} ${mb(Number(rollupBytes.e)).padStart(10)}   (rollup, kept after retention)`);

  const full = parts.filter((p) => /^samples_y/.test(p.name) && Number(p.bytes) > 0);
  const bytesPerSample = full.reduce((n, p) => n + Number(p.bytes), 0) / total;
  const rollupPerSample = (Number(rollupBytes.i) + Number(rollupBytes.e)) / total;
  const scale = TARGET_METERS / METERS;
  console.log(`\nExtrapolated to ${fmt(TARGET_METERS)} meters × 4 metrics × 288 a day × 365 days = ${fmt(FULL_YEAR)} samples a year (${fmt(FULL_YEAR / 12)} a month):`);
  console.log(`  measured: ${fmt(total)} samples = ${(total / FULL_YEAR * 100).toFixed(2)} % of that year (${METERS} meters = 1/${scale.toFixed(0)} of the meters, ${MONTHS} month(s))`);
  console.log(`  raw samples on disk: ${bytesPerSample.toFixed(1)} bytes/sample → ${(bytesPerSample * FULL_YEAR / 12 / 2 ** 30).toFixed(1)} GiB a month, ${(bytesPerSample * FULL_YEAR / 2 ** 30).toFixed(0)} GiB a year`);
  console.log(`  rollups: ${rollupPerSample.toFixed(1)} bytes per raw sample → ${(rollupPerSample * FULL_YEAR / 2 ** 30).toFixed(0)} GiB a year`);
  console.log(`  ingestion of a month at ${fmt(apiRate)} samples/s: ${(FULL_YEAR / 12 / apiRate / 3600).toFixed(1)} h of one process's time (${(FULL_YEAR / 12 / (30 * 86400)).toFixed(0)} samples/s arrive on average: ${((FULL_YEAR / 12 / (30 * 86400)) / apiRate * 100).toFixed(1)} % of it)`);
  console.log(`  p95 of one contract: independent of the number of meters and months (reads its own meters' 8,640 instants): ${ms(p95Rollup)}`);
  console.log(`  every contract of the site: linear in meters → ≈ ${ms(siteRollup * scale)} (rollups) vs ≈ ${ms(siteRaw * scale)} (raw) for ${fmt(TARGET_METERS)} meters`);
  console.log(`  billing run: linear in contracts → ≈ ${ms(billing * scale)} for ${fmt(TARGET_METERS / 2)} contracts`);
  void monthSamples;
} finally {
  await db.destroy();
  if (opts.keep) console.log(`Kept database ${name} (--keep): drop it by hand.`);
  else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
