#!/usr/bin/env node
/**
 * End-to-end run (`npm run test:e2e`): builds the portal if needed, starts it on a free port
 * with a fresh, temporary data directory (freshly migrated and seeded demo data), waits until
 * GET /healthz answers 200, runs the Chromium tests (vitest.e2e.config.ts) against it, stops it,
 * and exits with the tests' exit code.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CHROMIUM = "/usr/bin/chromium";
const HEALTH_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;

const log = (message) => console.log(`[e2e] ${message}`);

if (!existsSync(CHROMIUM)) {
  console.error(
    `[e2e] Chromium was not found at ${CHROMIUM}.\n` +
      "[e2e] Install Debian's chromium package first:  apt-get update && apt-get install -y chromium",
  );
  process.exit(1);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIfNeeded() {
  const built = "build/index.js";
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime("app")) return;
  log("Building the portal (npx remix build)…");
  const result = spawnSync("npx", ["--no-install", "remix", "build"], { stdio: "inherit" });
  if (result.status !== 0) {
    console.error("[e2e] The build failed.");
    process.exit(result.status ?? 1);
  }
}

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

buildIfNeeded();

// E2E_PORT pins the port (when several runs share a machine); otherwise any free one.
const port = process.env.E2E_PORT ? Number(process.env.E2E_PORT) : await freePort();
const dataDir = mkdtempSync(join(tmpdir(), "colo-e2e-"));
const baseUrl = `http://127.0.0.1:${port}`;

// Card payment against the stand-in Stripe the keyboard journey serves (test/e2e/keyboard.test.ts),
// unless the caller set Stripe's variables itself: the same values reach the portal and the tests.
if (!process.env.STRIPE_SECRET_KEY) {
  process.env.STRIPE_SECRET_KEY = "sk_test_portal_fake";
  process.env.STRIPE_WEBHOOK_SECRET = "whsec_test_portal_fake";
  process.env.STRIPE_API_URL = `http://127.0.0.1:${await freePort()}`;
}

// A development-mode server on its own fresh PGlite database, e-mails kept in the outbox.
const serverEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, SHOW_DEMO_ACCOUNTS: "0" };
for (const name of ["NODE_ENV", "DATABASE_URL", "APP_URL", "SMTP_URL", "SESSION_SECURE"]) delete serverEnv[name];
// E-mail links come from configuration only: point them at the address the browser uses.
serverEnv.APP_URL = baseUrl;

log(`Starting the portal on ${baseUrl} (data in ${dataDir})…`);
const output = [];
const server = spawn("npx", ["--no-install", "tsx", "server.ts"], {
  env: serverEnv,
  stdio: ["ignore", "pipe", "pipe"],
  detached: true, // its own process group, so npx, tsx and node stop together
});
for (const stream of [server.stdout, server.stderr]) {
  stream.setEncoding("utf8");
  stream.on("data", (chunk) => {
    output.push(chunk);
    if (process.env.E2E_SERVER_LOG === "1") process.stdout.write(chunk);
  });
}
let serverExited = false;
const exited = new Promise((resolve) =>
  server.on("exit", (code, signal) => {
    serverExited = true;
    resolve({ code, signal });
  }),
);

const signalServer = (signal) => {
  try {
    process.kill(-server.pid, signal);
  } catch {
    // already gone
  }
};

/** Whether any process of the portal's group (npx, tsx, node) is still alive. */
function groupAlive() {
  try {
    process.kill(-server.pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopServer() {
  signalServer("SIGTERM");
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while ((!serverExited || groupAlive()) && Date.now() < deadline) await sleep(100);
  if (!serverExited || groupAlive()) {
    log("The portal did not stop after SIGTERM; killing it.");
    signalServer("SIGKILL");
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
}

function printServerOutput() {
  console.error("[e2e] ---- portal output ----");
  console.error(output.join("").trimEnd() || "(nothing)");
  console.error("[e2e] ---- end of portal output ----");
}

async function waitForHealth() {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (serverExited) return `the portal exited before answering (${last})`;
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
      if (response.status === 200) return null;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(500);
  }
  return `GET /healthz did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s (last: ${last})`;
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    if (interrupted) return;
    interrupted = true;
    await stopServer();
    process.exit(130);
  });
}

let exitCode = 1;
try {
  const problem = await waitForHealth();
  if (problem) {
    console.error(`[e2e] ${problem}`);
    printServerOutput();
  } else {
    log("The portal is up; running the browser tests.");
    // Screenshots of this run only (test/e2e/screenshots is git-ignored).
    rmSync(join("test", "e2e", "screenshots"), { recursive: true, force: true });
    const tests = spawn("npx", ["--no-install", "vitest", "run", "--config", "vitest.e2e.config.ts", ...process.argv.slice(2)], {
      stdio: "inherit",
      env: { ...process.env, E2E_BASE_URL: baseUrl },
    });
    const { code, signal } = await new Promise((resolve) => tests.on("exit", (c, s) => resolve({ code: c, signal: s })));
    exitCode = code ?? (signal ? 1 : 0);
    if (exitCode !== 0) printServerOutput();
  }
} finally {
  await stopServer();
}
log(exitCode === 0 ? "Done." : `Failed (exit ${exitCode}).`);
process.exit(exitCode);
