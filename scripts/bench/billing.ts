/**
 * `npm run bench:billing` — the billing run of a whole site on PostgreSQL, beside the bare aggregation.
 *
 * 1. A throw-away database on BENCH_DATABASE_URL's server (default: the local one), migrated and
 *    seeded with the reference data (LDC, Africa/Lome).
 * 2. At LDC: `--orgs` organisations (500), `--contracts` contracts (1,000: rack, power, bandwidth
 *    commit, energy and overage lines), `--meters` meters (2,000: half power, half bandwidth, spread
 *    over the contracts; one power meter in 50 moves to the next contract on the 16th), and
 *    `--days` days (30: all of November 2026) of samples generated in SQL: every bandwidth meter's in
 *    and out every 5 minutes, every power meter's energy counter every hour (from the hour before
 *    the month), written in time order like a collector would.
 * 3. Timed in the same run: the bare aggregation of the month's samples (`percentile_disc(0.95)` per
 *    meter and metric, one statement), then the whole billing run (`runBilling`: the site's usage in
 *    set-based SQL, then one transaction per organisation), then the bare aggregation again.
 * Prints the figures side by side; no assertion (a benchmark, not a test).
 */
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { sql } from "kysely";
import { pgKysely } from "../../db/client.server";
import { migrateToLatest } from "../../db/migrate.server";
import { seed } from "../../seeds/index.server";
import { runBilling } from "../../app/modules/billing/run.server";
import { siteUsage, siteUsageQueries } from "../../app/modules/billing/site-usage.server";
import { monthPeriod } from "../../app/modules/metering/usage.server";

const { values: opts } = parseArgs({
  options: {
    orgs: { type: "string", default: "500" },
    contracts: { type: "string", default: "1000" },
    meters: { type: "string", default: "2000" },
    days: { type: "string", default: "30" },
    explain: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const ORGS = Number(opts.orgs);
const CONTRACTS = Number(opts.contracts);
const METERS = Number(opts.meters);
const DAYS = Number(opts.days);
if (![ORGS, CONTRACTS, METERS, DAYS].every((n) => Number.isInteger(n) && n > 0) || DAYS > 30 || CONTRACTS < ORGS || METERS < 2) {
  console.error("usage: bench:billing [--orgs 500] [--contracts 1000 (≥ orgs)] [--meters 2000] [--days 30 (≤ 30)] [--explain] [--keep]");
  process.exit(2);
}
const PERIOD = "2026-11";
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const name = `portal_bench_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
const db = pgKysely(url.toString(), 4);

const seconds = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
  const t0 = performance.now();
  const result = await fn();
  return [(performance.now() - t0) / 1000, result];
};
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

try {
  console.log(`Database ${name}: migrating and seeding…`);
  await migrateToLatest(db);
  await seed(db, { demo: false });
  const site = await db.selectFrom("sites").select(["id", "time_zone", "currency"]).where("code", "=", "LDC").executeTakeFirstOrThrow();
  const period = await monthPeriod(db, PERIOD, site.time_zone);

  console.log(`${ORGS} organisations, ${CONTRACTS} contracts, ${METERS} meters…`);
  await sql`
    INSERT INTO organisations (name, kind, tax_id, billing_email, address, country, status)
    SELECT 'Bench org ' || lpad(i::text, 5, '0'), 'sme', 'NIF-BENCH-' || i, 'billing-' || i || '@bench.test', 'Lomé', 'TG', 'verified'
      FROM generate_series(1, ${ORGS}) i
  `.execute(db);
  // Contract i belongs to organisation i mod ORGS; all started in January, open; its bandwidth version commits 5–14 Mbps (the site sells 15,000 Mbps).
  await sql`
    INSERT INTO contracts (org_id, site_id, start_on, term_months)
    SELECT o.id, ${site.id}, DATE '2026-01-01', 12
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
      JOIN products p ON p.site_id = c.site_id AND p.kind IN ('full_rack', 'power_commit_kw', 'bandwidth_commit_mbps', 'energy_kwh', 'bandwidth_overage_mbps')
  `.execute(db);
  // Meter m (0-based): power when even, bandwidth when odd; measures contract (m div 2) mod CONTRACTS.
  await sql`
    INSERT INTO meters (site_id, external_id, kind)
    SELECT ${site.id}, 'BENCH-' || lpad(m::text, 5, '0'), CASE WHEN m % 2 = 0 THEN 'power' ELSE 'bandwidth' END
      FROM generate_series(0, ${METERS - 1}) m
  `.execute(db);
  await sql`
    WITH c AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM contracts),
         m AS (SELECT id, substr(external_id, 7)::int AS n FROM meters WHERE external_id LIKE 'BENCH-%')
    INSERT INTO meter_attachments (meter_id, contract_id, attached_on, detached_on)
    SELECT m.id, c.id, DATE '2026-01-01', CASE WHEN m.n % 100 = 0 THEN DATE '2026-11-15' END
      FROM m JOIN c ON c.n = (m.n / 2) % ${CONTRACTS}
    UNION ALL
    SELECT m.id, c.id, DATE '2026-11-16', NULL
      FROM m JOIN c ON c.n = (m.n / 2 + 1) % ${CONTRACTS}
     WHERE m.n % 100 = 0
  `.execute(db);

  // Samples: built without the primary key, which is added afterwards (the same index, built in one sort).
  console.log(`Generating ${DAYS} days of samples in SQL…`);
  const end = new Date(period.from.getTime() + DAYS * 86_400_000);
  const [genSeconds] = await seconds(async () => {
    await sql`ALTER TABLE samples DROP CONSTRAINT samples_pkey`.execute(db);
    await sql`
      INSERT INTO samples (meter_id, metric, at, value)
      SELECT m.id, x.metric, ts + (m.ord % 4) * interval '1 second', round((20 + 80 * abs(sin(extract(epoch FROM ts) / 7200 + m.ord)) + (m.ord % 7) * 10)::numeric, 3)
        FROM generate_series(${period.from}::timestamptz, ${end}::timestamptz - interval '5 minutes', interval '5 minutes') ts
       CROSS JOIN (SELECT id, row_number() OVER (ORDER BY id) AS ord FROM meters WHERE kind = 'bandwidth') m
       CROSS JOIN (VALUES ('bw_in_mbps'), ('bw_out_mbps')) x(metric)
       ORDER BY ts
    `.execute(db);
    // Energy counters: 1–3 kWh an hour, one in ten meters reset once (on the 10th, 12:00).
    await sql`
      INSERT INTO samples (meter_id, metric, at, value)
      SELECT m.id, 'energy_kwh', ts,
             CASE WHEN m.ord % 10 = 0 AND ts >= ${period.from}::timestamptz + interval '9 days 12 hours'
                  THEN (extract(epoch FROM ts - (${period.from}::timestamptz + interval '9 days 12 hours')) / 3600 * (1 + m.ord % 3))::numeric
                  ELSE (1000 * m.ord + extract(epoch FROM ts - ${period.from}::timestamptz + interval '1 hour') / 3600 * (1 + m.ord % 3))::numeric END
        FROM generate_series(${period.from}::timestamptz - interval '1 hour', ${end}::timestamptz - interval '1 hour', interval '1 hour') ts
       CROSS JOIN (SELECT id, row_number() OVER (ORDER BY id) AS ord FROM meters WHERE kind = 'power') m
       ORDER BY ts
    `.execute(db);
    await sql`ALTER TABLE samples ADD PRIMARY KEY (meter_id, metric, at)`.execute(db);
    await sql`VACUUM ANALYZE samples`.execute(db);
  });
  const rows = (await sql<{ n: number }>`SELECT count(*)::int8 AS n FROM samples`.execute(db)).rows[0].n;
  console.log(`  ${fmt(rows)} samples in ${genSeconds.toFixed(0)} s`);

  const bareQuery = sql`
    SELECT meter_id, metric, percentile_disc(0.95) WITHIN GROUP (ORDER BY value) AS p95
      FROM samples
     WHERE at >= ${period.from} AND at < ${period.to}
     GROUP BY meter_id, metric
  `;
  const bare = () => bareQuery.execute(db);
  const usage = () => siteUsage(db, { siteId: site.id, period, timeZone: site.time_zone });

  if (opts.explain) {
    const { energy, instants: bandwidth } = siteUsageQueries({ siteId: site.id, period, timeZone: site.time_zone });
    const plans = { "bare aggregation": bareQuery, "siteUsage, energy": energy, "siteUsage, bandwidth": bandwidth };
    for (const [label, query] of Object.entries(plans)) {
      console.log(`\n-- EXPLAIN ANALYZE: ${label}`);
      for (const r of (await sql<{ "QUERY PLAN": string }>`EXPLAIN (ANALYZE, BUFFERS) ${query}`.execute(db)).rows) console.log(r["QUERY PLAN"]);
    }
  }

  console.log("Timing (warm-up: one pass over the table first)…");
  await sql`SELECT count(*) FROM samples`.execute(db);
  const [bare1, bareRows] = await seconds(bare);
  const [usageSeconds, usageMap] = await seconds(usage);
  const [runSeconds, result] = await seconds(() => runBilling(db, { siteCode: "LDC", period: PERIOD }));
  const [bare2] = await seconds(bare);
  const bareBest = Math.min(bare1, bare2);

  const lines = (await sql<{ kind: string; n: number }>`SELECT kind, count(*)::int8 AS n FROM invoice_lines GROUP BY kind ORDER BY kind`.execute(db)).rows;
  console.log(`\nBilling run of LDC for ${PERIOD} (PostgreSQL; ${ORGS} organisations, ${CONTRACTS} contracts, ${METERS} meters, ${DAYS} days, ${fmt(rows)} samples)`);
  console.log(`  ${"what".padEnd(52)} ${"seconds".padStart(8)}`);
  console.log(`  ${"bare aggregation (percentile_disc per meter), run 1".padEnd(52)} ${bare1.toFixed(2).padStart(8)}   (${fmt(bareRows.rows.length)} groups)`);
  console.log(`  ${"bare aggregation, run 2 (after the billing run)".padEnd(52)} ${bare2.toFixed(2).padStart(8)}`);
  console.log(`  ${"siteUsage alone (every contract's energy and p95)".padEnd(52)} ${usageSeconds.toFixed(2).padStart(8)}   (${fmt(usageMap.size)} contracts)`);
  console.log(`  ${"whole billing run (runBilling)".padEnd(52)} ${runSeconds.toFixed(2).padStart(8)}   (${result.invoices} draft invoices)`);
  console.log(`  ratio run / bare (best of 2): ${(runSeconds / bareBest).toFixed(2)}   (targets: run < 30 s, ratio ≤ 2)`);
  console.log(`  invoice lines: ${lines.map((l) => `${l.kind} ${fmt(l.n)}`).join(", ")}`);
} finally {
  await db.destroy();
  if (opts.keep) console.log(`Kept database ${name} (--keep): drop it by hand.`);
  else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
