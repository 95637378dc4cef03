#!/usr/bin/env node
/**
 * Runs a command against a real PostgreSQL server (`npm run test:pg`).
 *
 *   node scripts/with-test-pg.mjs vitest run test/integration
 *
 * 1. Uses TEST_DATABASE_URL when it is set (it must answer).
 * 2. Otherwise tries a local server on 127.0.0.1:5432 as user `postgres`.
 * 3. Otherwise, as root on Debian, installs Debian's `postgresql` package if needed,
 *    starts its cluster and gives the `postgres` role a password for TCP logins.
 *
 * The command then runs through `npx` with TEST_DATABASE_URL set; its exit code is ours.
 * The tests create and drop their own databases (test/support/db.ts).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import pg from "pg";

const LOCAL_PASSWORD = "postgres";
const CANDIDATES = [
  "postgres://postgres@127.0.0.1:5432/postgres",
  `postgres://postgres:${LOCAL_PASSWORD}@127.0.0.1:5432/postgres`,
];

const log = (message) => console.log(`[test:pg] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const redact = (url) => url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");

async function answers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

async function firstAnswering(urls) {
  const failures = [];
  for (const url of urls) {
    const result = await answers(url);
    if (result === true) return { url };
    failures.push(`${redact(url)}: ${result}`);
  }
  return { failures };
}

function run(command, args, { allowFailure = false } = {}) {
  log(`$ ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (result.status !== 0 && !allowFailure) {
    throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
  }
  return result.status === 0;
}

const clusterVersions = () =>
  existsSync("/etc/postgresql")
    ? readdirSync("/etc/postgresql").filter((v) => existsSync(`/etc/postgresql/${v}/main/postgresql.conf`))
    : [];

/** Install (if needed) and start Debian's PostgreSQL, then allow password logins as `postgres`. */
async function startDebianPostgres() {
  if (!existsSync("/usr/bin/pg_ctlcluster") || clusterVersions().length === 0) {
    log("Installing Debian's postgresql package…");
    run("apt-get", ["update"]);
    run("apt-get", ["install", "-y", "--no-install-recommends", "postgresql"]);
  }
  const versions = clusterVersions().sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error("postgresql is installed but no cluster exists in /etc/postgresql/*/main");
  const version = versions[0];
  log(`Starting PostgreSQL ${version} (cluster main)…`);
  // Exits non-zero when it is already running: that is fine.
  run("pg_ctlcluster", [version, "main", "start"], { allowFailure: true });
  for (let i = 0; i < 30; i++) {
    const ok = spawnSync("runuser", ["-u", "postgres", "--", "psql", "-qAtc", "select 1"], { stdio: "ignore" }).status === 0;
    if (ok) break;
    await sleep(1000);
  }
  // TCP logins on 127.0.0.1 use a password by default on Debian: give the role a known one.
  execFileSync("runuser", ["-u", "postgres", "--", "psql", "-qc", `ALTER USER postgres PASSWORD '${LOCAL_PASSWORD}'`], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}

async function findServer() {
  if (process.env.TEST_DATABASE_URL) {
    const url = process.env.TEST_DATABASE_URL;
    const result = await answers(url);
    if (result !== true) throw new Error(`TEST_DATABASE_URL (${redact(url)}) does not answer: ${result}`);
    return url;
  }
  const first = await firstAnswering(CANDIDATES);
  if (first.url) return first.url;
  log(`No PostgreSQL answers yet:\n  ${first.failures.join("\n  ")}`);

  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot || !existsSync("/etc/debian_version")) {
    throw new Error(
      "No PostgreSQL server found. Set TEST_DATABASE_URL=postgres://user:password@host:port/postgres " +
        "(a role allowed to create databases), or run this as root on Debian to install one.",
    );
  }
  await startDebianPostgres();
  for (let i = 0; i < 30; i++) {
    const again = await firstAnswering(CANDIDATES);
    if (again.url) return again.url;
    if (i === 29) throw new Error(`PostgreSQL still does not answer:\n  ${again.failures.join("\n  ")}`);
    await sleep(1000);
  }
  throw new Error("unreachable");
}

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("Usage: node scripts/with-test-pg.mjs <command> [args…]");
  process.exit(2);
}

let url;
try {
  url = await findServer();
} catch (error) {
  console.error(`[test:pg] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
log(`Using ${redact(url)}`);

const child = spawn("npx", ["--no-install", command, ...args], {
  stdio: "inherit",
  env: { ...process.env, TEST_DATABASE_URL: url },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
child.on("error", (error) => {
  console.error(`[test:pg] could not start ${command}: ${error.message}`);
  process.exit(1);
});
