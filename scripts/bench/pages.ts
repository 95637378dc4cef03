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
 *    servers' event loop), drives each page at 10 and 50 connections: the bare route,
 *    `/app`, `/app/services`, `/app/usage/<id>` (this month so far, and the whole of last month),
 *    the image of that month's bandwidth chart (not a page: the browser fetches it once per drawing
 *    and keeps it, ADR 030, for information), `/app/invoices` (as the demo tenant's owner) and
 *    `/ops/billing` (as finance). Each page is warmed up first; then `--rounds` rounds (default 3)
 *    of `--seconds` (default 5) per page, the bare route again after each page: each round compares
 *    a page with the bare runs just before and after it, and a page's ratios are the medians of its
 *    rounds' (one slow stretch of a shared machine moves one round, not the result).
 * Prints req/s, p50 and p97.5 per page and the ratios to the bare route (target: every tenant page
 * ≥ 0.5× its req/s, p97.5 ≤ 2× its p97.5), the serving process's CPU time per request (from /proc:
 * what a noisy shared machine does not blur), and the bytes of each document. No assertion.
 * `--pages usage,invoices` runs only the pages whose label contains one of those (and the bare route).
 */
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { pgKysely } from "../../db/client.server";
import { migrateToLatest } from "../../db/migrate.server";
import { seed } from "../../seeds/index.server";
import { DEMO_PASSWORD } from "../../seeds/demo";

const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    /** Rounds of every page (each page's ratios: the medians of its rounds'). */
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "10,50" },
    keep: { type: "boolean", default: false },
    /** Only the pages whose label contains one of these (comma-separated); the bare route always runs. */
    pages: { type: "string", default: "" },
  },
});
const SECONDS = Number(opts.seconds);
const ROUNDS = Number(opts.rounds);
const CONNECTIONS = opts.connections.split(",").map(Number);
if (!Number.isInteger(SECONDS) || SECONDS < 1 || !Number.isInteger(ROUNDS) || ROUNDS < 1 || CONNECTIONS.some((c) => !Number.isInteger(c) || c < 1)) {
  console.error("usage: bench:pages [--seconds 5] [--rounds 3] [--connections 10,50] [--pages usage,invoices] [--keep]");
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
  /** The serving process's CPU time per request (user + system), when /proc tells it. */
  cpuMs: number | null;
}

/** CPU time (user + system) a process has used, in ms, from /proc (Linux; 100 ticks a second). */
function cpuTimeMs(pid: number | undefined): number | null {
  if (!pid || !existsSync(`/proc/${pid}/stat`)) return null;
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** autocannon's CLI in its own process, JSON out; `pid` is the serving process, whose CPU time is read around the run. */
function cannon(url: string, connections: number, seconds: number, cookie?: string, pid?: number): Result {
  const args = ["autocannon", "-j", "-c", String(connections), "-d", String(seconds), ...(cookie ? ["-H", `Cookie=${cookie}`] : []), "-H", "Accept-Encoding=gzip", url];
  const cpuBefore = cpuTimeMs(pid);
  const r = spawnSync("npx", args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const cpuAfter = cpuTimeMs(pid);
  if (r.status !== 0) throw new Error(`autocannon failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { requests: { average: number; total: number }; latency: { p50: number; p97_5: number }; errors: number; non2xx: number };
  const cpuMs = cpuBefore !== null && cpuAfter !== null && out.requests.total > 0 ? (cpuAfter - cpuBefore) / out.requests.total : null;
  return { rps: out.requests.average, p50: out.latency.p50, p975: out.latency.p97_5, errors: out.errors, non2xx: out.non2xx, cpuMs };
}

/** The address of the bandwidth chart's image in a usage page. */
async function chartAddress(pageUrl: string, cookie: string) {
  const html = await (await fetch(pageUrl, { headers: { Cookie: cookie } })).text();
  const src = html.match(/src="(\/app\/usage\/[^"]+\/chart\/bandwidth[^"]+)"/)?.[1];
  if (!src) throw new Error("no bandwidth chart on the usage page");
  return new URL(src.replaceAll("&amp;", "&"), pageUrl).toString();
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
  const today = new Date();
  const lastMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  const finance = await signIn(P, "finance@ops.demo.test");
  const pages: { label: string; url: string; cookie?: string; pid?: number }[] = [
    { label: "bare Remix route", url: `${B}/`, pid: bare.pid },
    { label: "/app", url: `${P}/app`, cookie: tenant, pid: portal.pid },
    { label: "/app/services", url: `${P}/app/services`, cookie: tenant, pid: portal.pid },
    // The month in progress (the default view: its size grows with the day of the month), and the
    // whole of last month: what the default view weighs on the month's last day.
    { label: "/app/usage/<id>", url: `${P}/app/usage/${contract.id}`, cookie: tenant, pid: portal.pid },
    { label: "/app/usage/<id>?month=<last>", url: `${P}/app/usage/${contract.id}?month=${lastMonth}`, cookie: tenant, pid: portal.pid },
    // Not a page: the image of the whole month's bandwidth chart, which the browser fetches once per
    // drawing and then keeps (ADR 030), for information.
    { label: "/app/usage/<id>/chart/…", url: await chartAddress(`${P}/app/usage/${contract.id}?month=${lastMonth}`, tenant), cookie: tenant, pid: portal.pid },
    { label: "/app/invoices", url: `${P}/app/invoices`, cookie: tenant, pid: portal.pid },
    { label: "/ops/billing", url: `${P}/ops/billing`, cookie: finance, pid: portal.pid },
  ];

  const only = opts.pages.split(",").filter(Boolean);
  const run = pages.filter((p, i) => i === 0 || only.length === 0 || only.some((o) => p.label.includes(o)));

  // Each page answers 200 (not a redirect to the sign-in page) and its size, then a warm-up.
  const sizes = new Map<string, number>();
  for (const p of run) {
    const r = await fetch(p.url, { headers: p.cookie ? { Cookie: p.cookie } : {}, redirect: "manual" });
    if (r.status !== 200) throw new Error(`${p.label} answered ${r.status}`);
    sizes.set(p.label, (await r.arrayBuffer()).byteLength);
    cannon(p.url, 10, 2, p.cookie);
  }

  console.log(`\nbench:pages — ${ROUNDS} rounds of ${SECONDS} s per page, autocannon in its own process, portal and bare app in production mode on one machine\n`);
  // The bare route is run before the first page and again after each one: a page is compared with
  // the mean of the bare runs just before and just after it, so a machine whose speed drifts during
  // the run (a shared one) moves the page and its floor together.
  const [floorPage, ...portalPages] = run;
  /** A line of the table: a page's mean figures, and its ratios to the bare route (given, or from `floor`). */
  const row = (label: string, r: Result, floor: Result | undefined, byRound: string, ratios?: { rps: number; p975: number; cpu: number | null }) => {
    const x = ratios ?? { rps: r.rps / floor!.rps, p975: r.p975 / Math.max(1, floor!.p975), cpu: r.cpuMs === null || !floor!.cpuMs ? null : floor!.cpuMs / r.cpuMs };
    console.log(
      `${label.padEnd(28)} ${r.rps.toFixed(0).padStart(8)} ${x.rps.toFixed(2).padStart(7)} ${r.p50.toFixed(0).padStart(7)} ${r.p975.toFixed(0).padStart(9)} ${x.p975.toFixed(2).padStart(7)} ${(r.cpuMs === null ? "—" : r.cpuMs.toFixed(2)).padStart(8)} ${(x.cpu === null ? "—" : x.cpu.toFixed(2)).padStart(7)} ${String(sizes.get(label)).padStart(11)} ${String(r.errors + r.non2xx).padStart(7)}  ${byRound}`,
    );
  };
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const mean = (rs: Result[]): Result => ({
    rps: avg(rs.map((r) => r.rps)),
    p50: avg(rs.map((r) => r.p50)),
    p975: avg(rs.map((r) => r.p975)),
    errors: rs.reduce((a, r) => a + r.errors, 0),
    non2xx: rs.reduce((a, r) => a + r.non2xx, 0),
    cpuMs: rs.every((r) => r.cpuMs !== null) ? avg(rs.map((r) => r.cpuMs!)) : null,
  });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const c of CONNECTIONS) {
    // ROUNDS rounds of (bare, then each page followed by bare): each round gives each page its ratios
    // to the bare runs around it, and a page's ratios are the medians of its rounds' — one slow
    // stretch of a shared machine moves one round, not the result.
    const floors: Result[] = [];
    const rounds = portalPages.map(() => [] as { r: Result; floor: Result }[]);
    for (let round = 0; round < ROUNDS; round++) {
      floors.push(cannon(floorPage.url, c, SECONDS, undefined, floorPage.pid));
      portalPages.forEach((p, i) => {
        const r = cannon(p.url, c, SECONDS, p.cookie, p.pid);
        floors.push(cannon(floorPage.url, c, SECONDS, undefined, floorPage.pid));
        rounds[i].push({ r, floor: mean(floors.slice(-2)) });
      });
    }
    console.log(`${c} connections`);
    console.log(
      `${"page".padEnd(28)} ${"req/s".padStart(8)} ${"× bare".padStart(7)} ${"p50 ms".padStart(7)} ${"p97.5 ms".padStart(9)} ${"× bare".padStart(7)} ${"CPU ms".padStart(8)} ${"× bare".padStart(7)} ${"HTML bytes".padStart(11)} ${"errors".padStart(7)}  × bare by round`,
    );
    const allFloors = mean(floors);
    row(floorPage.label, allFloors, allFloors, "");
    console.log(`${"".padEnd(28)} (bare runs: ${floors.map((f) => f.rps.toFixed(0)).join(", ")} req/s)`);
    portalPages.forEach((p, i) => {
      const ratios = rounds[i].map(({ r, floor }) => r.rps / floor.rps);
      const cpu = rounds[i].map(({ r, floor }) => (r.cpuMs === null || !floor.cpuMs ? null : floor.cpuMs / r.cpuMs));
      row(
        p.label,
        mean(rounds[i].map(({ r }) => r)),
        undefined,
        ratios.map((x) => x.toFixed(2)).join(" "),
        {
          rps: median(ratios),
          p975: median(rounds[i].map(({ r, floor }) => r.p975 / Math.max(1, floor.p975))),
          cpu: cpu.every((x) => x !== null) ? median(cpu as number[]) : null,
        },
      );
    });
    console.log("");
  }
  console.log(`Each page's ratios are the medians of ${ROUNDS} rounds', each to the mean of the bare runs just before and after it. CPU ms: the serving process's CPU time per`);
  console.log("request (user + system, from /proc; the portal's PostgreSQL work is not in it); its ratio is bare ÷ page, comparable to req/s's.");
  console.log("/app/usage/<id>/chart/… is not a page: the image of last month's bandwidth chart, fetched by the browser once per drawing.");
  console.log("Targets: every tenant page ≥ 0.50× the bare route's req/s, p97.5 ≤ 2× its p97.5 (issue 11).");
} finally {
  for (const child of children) child.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 1500));
  if (!opts.keep) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  else console.log(`kept database ${name}`);
  await admin.end();
}
