/**
 * `npm run bench:ingest` — ingestion and aggregation benchmark on PostgreSQL.
 *
 * 1. A throw-away database on BENCH_DATABASE_URL's server (default: the local one), migrated and seeded.
 * 2. The portal server started against it (production build), and a second process posting batches
 *    of 10,000 samples over HTTP → samples/second.
 * 3. The same rows loaded with PostgreSQL COPY into the same (emptied) table → rows/second, and the ratio.
 * 4. A year of 5-minute samples for the meters of a site, then the 95th-percentile query timed for one
 *    meter over a month and for every meter of the site.
 * Prints the figures side by side; no assertion (a benchmark, not a test).
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { sql } from "kysely";
import { pgKysely } from "../../db/client.server";
import { migrateToLatest } from "../../db/migrate.server";
import { seed } from "../../seeds/index.server";
import { createApiToken } from "../../app/modules/metering/tokens.server";
import { monthPeriod, percentile95 } from "../../app/modules/metering/usage.server";
import { PER_BATCH, sampleAt } from "./rows.mjs";

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const METERS = Number(process.env.BENCH_METERS ?? 100);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const YEAR_METERS = Number(process.env.BENCH_YEAR_METERS ?? 20);
// Twenty days ago on the hour: the batches (≈ 17.4 days of 5-minute instants for 100 meters) stay in the
// past, as the API requires (no sample more than a day ahead); a fixed date became the future.
const START = new Date(Math.floor((Date.now() - 20 * 86_400_000) / 3_600_000) * 3_600_000).toISOString();

const name = `portal_bench_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
const db = pgKysely(url.toString(), 4);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timed(runs: number, fn: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

try {
  console.log(`Database ${name}: migrating and seeding…`);
  await migrateToLatest(db);
  await seed(db, { demo: false });
  const site = await db.selectFrom("sites").select(["id", "time_zone"]).where("code", "=", "LDC").executeTakeFirstOrThrow();
  const externalIds = Array.from({ length: METERS }, (_, i) => `BENCH-SW-${String(i + 1).padStart(3, "0")}`);
  const meters = await db
    .insertInto("meters")
    .values(externalIds.map((external_id) => ({ site_id: site.id, external_id, kind: "bandwidth" as const, description: null })))
    .returning(["id", "external_id"])
    .execute();
  const { token } = await db.transaction().execute((trx) => createApiToken(trx, { siteId: site.id, name: "bench", scopes: ["usage:write"], actor: null }));

  // --- HTTP ingestion through the portal server -------------------------------------------
  console.log("Building and starting the server (NODE_ENV=production)…");
  spawnSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "build"], { stdio: "ignore" });
  const port = await freePort();
  const server = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    env: { ...process.env, DATABASE_URL: url.toString(), PORT: String(port), NODE_ENV: "production", APP_URL: `http://127.0.0.1:${port}` },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {}
    if (i > 120) throw new Error("server did not start");
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`Posting ${BATCHES} batches of ${PER_BATCH} samples, ${CONCURRENCY} in flight, from a second process…`);
  const client = spawnSync(process.execPath, ["scripts/bench/ingest-client.mjs", `${base}/api/v1/usage`, token, externalIds.join(","), String(BATCHES), String(CONCURRENCY), START], { encoding: "utf8" });
  server.kill("SIGTERM");
  if (client.status !== 0) throw new Error(`client failed: ${client.stderr}`);
  const http = JSON.parse(client.stdout.trim().split("\n").pop()!) as { samples: number; accepted: number; seconds: number };
  if (http.accepted !== http.samples) throw new Error(`only ${http.accepted} of ${http.samples} samples were accepted`);

  // --- The same rows with COPY into the same table -----------------------------------------
  await sql`TRUNCATE samples`.execute(db);
  const idOf = new Map(meters.map((m) => [m.external_id, m.id]));
  const total = BATCHES * PER_BATCH;
  // Prepared before the clock starts, so COPY is timed alone.
  const csv = Array.from({ length: BATCHES }, (_, b) => {
    let chunk = "";
    for (let i = 0; i < PER_BATCH; i++) {
      const s = sampleAt(b * PER_BATCH + i, externalIds, Date.parse(START));
      chunk += `${idOf.get(s.meter)},${s.metric},${s.at},${s.value}\n`;
    }
    return chunk;
  });
  const copyClient = new pg.Client({ connectionString: url.toString() });
  await copyClient.connect();
  const t0 = performance.now();
  await pipeline(Readable.from(csv), copyClient.query(copyFrom("COPY samples (meter_id, metric, at, value) FROM STDIN WITH (FORMAT csv)")));
  const copySeconds = (performance.now() - t0) / 1000;
  await copyClient.end();

  // --- 95th percentile with a year of data present -------------------------------------------
  console.log(`Generating a year of 5-minute in/out samples for ${YEAR_METERS} meters…`);
  await sql`TRUNCATE samples`.execute(db);
  const yearMeters = meters.slice(0, YEAR_METERS).map((m) => m.id);
  await sql`
    INSERT INTO samples (meter_id, metric, at, value)
    SELECT m, metric, ts, round((20 + 80 * abs(sin(extract(epoch FROM ts) / 7200 + ord)))::numeric, 3)
      FROM unnest(${yearMeters}::uuid[]) WITH ORDINALITY AS meters(m, ord)
     CROSS JOIN (VALUES ('bw_in_mbps'), ('bw_out_mbps')) AS metrics(metric)
     CROSS JOIN generate_series('2026-01-01T00:00:00Z'::timestamptz, '2026-12-31T23:55:00Z', interval '5 minutes') AS ts
  `.execute(db);
  await sql`ANALYZE samples`.execute(db);
  const rows = (await sql<{ n: number }>`SELECT count(*)::int8 AS n FROM samples`.execute(db)).rows[0].n;
  const month = await monthPeriod(db, "2026-10", site.time_zone);
  const oneMeter = await timed(7, () => percentile95(db, [yearMeters[0]], month, 50));
  const allMeters = await timed(3, async () => {
    for (const id of yearMeters) await percentile95(db, [id], month, 50);
  });

  const httpRate = http.samples / http.seconds;
  const copyRate = total / copySeconds;
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  console.log("\nIngestion (PostgreSQL, one server process, same rows, same table)");
  console.log(`  ${"method".padEnd(28)} ${"samples".padStart(10)} ${"seconds".padStart(8)} ${"samples/s".padStart(12)}`);
  console.log(`  ${"HTTP POST /api/v1/usage".padEnd(28)} ${fmt(http.samples).padStart(10)} ${http.seconds.toFixed(2).padStart(8)} ${fmt(httpRate).padStart(12)}`);
  console.log(`  ${"COPY (baseline)".padEnd(28)} ${fmt(total).padStart(10)} ${copySeconds.toFixed(2).padStart(8)} ${fmt(copyRate).padStart(12)}`);
  console.log(`  ratio HTTP / COPY: ${(httpRate / copyRate).toFixed(2)}   (targets: ≥ 100,000 samples/s and ≥ 0.5)`);
  console.log(`\n95th percentile over October 2026 with a year of data (${fmt(rows)} samples in the table)`);
  console.log(`  one meter:              ${oneMeter.toFixed(1)} ms (median of 7)`);
  console.log(`  all ${YEAR_METERS} meters of the site: ${allMeters.toFixed(1)} ms (median of 3, one query per meter)`);
} finally {
  await db.destroy();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
