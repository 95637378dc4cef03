/**
 * `npm run bench:pages` — the portal's pages against a bare Remix v2 route, in the same run.
 *
 * 1. A throw-away PostgreSQL database on BENCH_DATABASE_URL's server (default: the local one),
 *    migrated and seeded with the reference data and the demo accounts and contracts.
 * 2. Two servers on this machine, both production builds behind Express and compression:
 *    - the portal (`server.ts`, NODE_ENV=production, on that database);
 *    - a minimal Remix v2 app (scripts/bench/bare: one route whose loader returns twenty table rows,
 *      the same Remix, React and Express versions), the floor.
 * 3. autocannon, in a second process (its own CLI, so the load generator does not share the
 *    servers' event loop), drives each page for `--seconds` at 10 and 50 connections: the bare route,
 *    `/app`, `/app/services`, `/app/usage/<id>`, `/app/invoices` (as the demo tenant's owner) and
 *    `/ops/billing` (as finance). Each page is warmed up first.
 * Prints req/s, p50 and p97.5 per page and the ratios to the bare route (target: every tenant page
 * ≥ 0.5× its req/s, p97.5 ≤ 2× its p97.5), and the bytes of each document. No assertion.
 */
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { pgKysely } from "../../db/client.server";
import { migrateToLatest } from "../../db/migrate.server";
import { seed } from "../../seeds/index.server";
import { DEMO_PASSWORD } from "../../seeds/demo";

const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "10,50" },
    keep: { type: "boolean", default: false },
  },
});
const SECONDS = Number(opts.seconds);
const CONNECTIONS = opts.connections.split(",").map(Number);
if (!Number.isInteger(SECONDS) || SECONDS < 1 || CONNECTIONS.some((c) => !Number.isInteger(c) || c < 1)) {
  console.error("usage: bench:pages [--seconds 10] [--connections 10,50] [--keep]");
  process.exit(2);
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BARE = fileURLToPath(new URL("./bare/", import.meta.url));
const PORTAL_PORT = 3801;
const BARE_PORT = 3802;
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

function build(cwd: string) {
  const r = spawnSync("npx", ["remix", "build"], { cwd, stdio: "ignore", env: { ...process.env, NODE_ENV: "production" } });
  if (r.status !== 0) throw new Error(`remix build failed in ${cwd}`);
}

async function waitFor(url: string, child: ChildProcess) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server for ${url} exited (${child.exitCode})`);
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no answer from ${url}`);
}

async function signIn(base: string, email: string): Promise<string> {
  const r = await fetch(`${base}/signin`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base },
    body: new URLSearchParams({ email, password: DEMO_PASSWORD, redirectTo: "" }).toString(),
  });
  const cookie = r.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`sign-in of ${email} failed (${r.status})`);
  return cookie;
}

interface Result {
  rps: number;
  p50: number;
  p975: number;
  errors: number;
  non2xx: number;
}

/** autocannon's CLI in its own process, JSON out. */
function cannon(url: string, connections: number, seconds: number, cookie?: string): Result {
  const args = ["autocannon", "-j", "-c", String(connections), "-d", String(seconds), ...(cookie ? ["-H", `Cookie=${cookie}`] : []), "-H", "Accept-Encoding=gzip", url];
  const r = spawnSync("npx", args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`autocannon failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { requests: { average: number }; latency: { p50: number; p97_5: number }; errors: number; non2xx: number };
  return { rps: out.requests.average, p50: out.latency.p50, p975: out.latency.p97_5, errors: out.errors, non2xx: out.non2xx };
}

const name = `portal_pages_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
const children: ChildProcess[] = [];
try {
  const db = pgKysely(url.toString(), 2);
  await migrateToLatest(db);
  await seed(db, { demo: true });
  const contract = await db
    .selectFrom("contracts as c")
    .innerJoin("organisations as o", "o.id", "c.org_id")
    .innerJoin("meter_attachments as m", "m.contract_id", "c.id")
    .select("c.id")
    .where("o.name", "=", "Kossi Digital SARL")
    .orderBy("c.start_on")
    .executeTakeFirstOrThrow();
  await db.destroy();

  if (!existsSync(`${ROOT}build/index.js`)) build(ROOT);
  if (!existsSync(`${BARE}build/index.js`)) build(BARE);
  const { SMTP_URL: _smtp, ...withoutSmtp } = process.env;
  // node itself with tsx as a loader (not `npx tsx`, whose wrapper does not pass SIGTERM on: the
  // server outlived the run, still polling its dropped database).
  const portal = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: ROOT,
    stdio: "ignore",
    // No SMTP_URL: the outbox keeps its messages (nothing is sent from a benchmark).
    env: { ...withoutSmtp, NODE_ENV: "production", PORT: String(PORTAL_PORT), DATABASE_URL: url.toString(), APP_URL: `http://127.0.0.1:${PORTAL_PORT}`, SESSION_SECURE: "false" },
  });
  const bare = spawn("node", ["server.mjs"], { cwd: BARE, stdio: "ignore", env: { ...process.env, PORT: String(BARE_PORT), NODE_ENV: "production" } });
  children.push(portal, bare);
  const P = `http://127.0.0.1:${PORTAL_PORT}`;
  const B = `http://127.0.0.1:${BARE_PORT}`;
  await waitFor(`${P}/healthz`, portal);
  await waitFor(`${B}/`, bare);

  const tenant = await signIn(P, "owner@kossi.demo.test");
  const finance = await signIn(P, "finance@ops.demo.test");
  const pages: { label: string; url: string; cookie?: string }[] = [
    { label: "bare Remix route", url: `${B}/` },
    { label: "/app", url: `${P}/app`, cookie: tenant },
    { label: "/app/services", url: `${P}/app/services`, cookie: tenant },
    { label: "/app/usage/<id>", url: `${P}/app/usage/${contract.id}`, cookie: tenant },
    { label: "/app/invoices", url: `${P}/app/invoices`, cookie: tenant },
    { label: "/ops/billing", url: `${P}/ops/billing`, cookie: finance },
  ];

  // Each page answers 200 (not a redirect to the sign-in page) and its size, then a warm-up.
  const sizes = new Map<string, number>();
  for (const p of pages) {
    const r = await fetch(p.url, { headers: p.cookie ? { Cookie: p.cookie } : {}, redirect: "manual" });
    if (r.status !== 200) throw new Error(`${p.label} answered ${r.status}`);
    sizes.set(p.label, (await r.arrayBuffer()).byteLength);
    cannon(p.url, 10, 2, p.cookie);
  }

  console.log(`\nbench:pages — ${SECONDS} s per run, autocannon in its own process, portal and bare app in production mode on one machine\n`);
  for (const c of CONNECTIONS) {
    const results = pages.map((p) => ({ p, r: cannon(p.url, c, SECONDS, p.cookie) }));
    const floor = results[0].r;
    console.log(`${c} connections`);
    console.log(`${"page".padEnd(20)} ${"req/s".padStart(8)} ${"× bare".padStart(7)} ${"p50 ms".padStart(7)} ${"p97.5 ms".padStart(9)} ${"× bare".padStart(7)} ${"HTML bytes".padStart(11)} ${"errors".padStart(7)}`);
    for (const { p, r } of results) {
      console.log(
        `${p.label.padEnd(20)} ${r.rps.toFixed(0).padStart(8)} ${(r.rps / floor.rps).toFixed(2).padStart(7)} ${String(r.p50).padStart(7)} ${String(r.p975).padStart(9)} ${(r.p975 / Math.max(1, floor.p975)).toFixed(2).padStart(7)} ${String(sizes.get(p.label)).padStart(11)} ${String(r.errors + r.non2xx).padStart(7)}`,
      );
    }
    console.log("");
  }
  console.log("Targets: every tenant page ≥ 0.50× the bare route's req/s, p97.5 ≤ 2× its p97.5 (issue 11).");
} finally {
  for (const child of children) child.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 1500));
  if (!opts.keep) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  else console.log(`kept database ${name}`);
  await admin.end();
}
