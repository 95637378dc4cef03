/**
 * The portal's one entry point (`npm start`): validates the environment, migrates the database,
 * seeds it on first start, builds the app if needed, then serves it with security headers,
 * an origin check on mutations and the e-mail outbox worker.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import express from "express";
import compression from "compression";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { env } from "./db/env.server";
import { closeDb, getDb } from "./db/client.server";
import { DataDirLockedError } from "./db/lock.server";
import { migrateToLatest } from "./db/migrate.server";
import { isEmpty, seed } from "./seeds/index.server";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "./seeds/demo";
import { smtpSender, startOutboxWorker } from "./app/modules/email/outbox.server";
import { startAuthHousekeeping } from "./app/modules/auth/housekeeping.server";
import { startJobWorker } from "./app/modules/jobs/jobs.server";
// Registers the handlers the job worker runs (billing runs).
import "./app/modules/billing/run.server";
import "./app/modules/billing/issue.server";
import { startRemindersSchedule } from "./app/modules/payments/reminders.server";
import { startRenewalsSchedule } from "./app/modules/renewals/renewals.server";
import { startSiteAccessSchedule } from "./app/modules/siteaccess/daily.server";
import { startPartitionsSchedule } from "./app/modules/metering/partitions.server";
import { REQUEST_KEY_HEADER, hostHeadersParse, isAllowedOrigin, securityHeaders } from "./app/utils/http.server";

const config = (() => {
  try {
    return env();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
})();
const production = config.NODE_ENV === "production";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIfNeeded() {
  const built = "build/index.js";
  const stale = !existsSync(built) || (!production && newestMtime("app") > statSync(built).mtimeMs);
  if (!stale) return;
  console.log("Building the portal…");
  const result = spawnSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "build"], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

async function prepareDatabase() {
  const db = await getDb().catch((error) => {
    // A second server (or the CLI) already holds the embedded database: stop before touching it.
    if (!(error instanceof DataDirLockedError)) throw error;
    console.error(error.message);
    process.exit(1);
  });
  const applied = await migrateToLatest(db);
  if (applied.length) console.log(`Migrations applied: ${applied.join(", ")}`);
  if (await isEmpty(db)) {
    const demo = !production;
    await seed(db, { demo });
    console.log(demo ? "First start: reference data and demo accounts seeded." : "First start: reference data seeded.");
  }
}

await prepareDatabase();
buildIfNeeded();
const build = (await import(pathToFileURL(join(process.cwd(), "build/index.js")).href)) as ServerBuild;

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", "loopback");
app.use(compression());
app.use((req, res, next) => {
  const nonce = randomBytes(16).toString("base64");
  res.locals.nonce = nonce;
  // One id per request: in the response, in the error page (as a reference) and in the server log.
  const requestId = randomUUID();
  res.locals.requestId = requestId;
  res.setHeader("X-Request-Id", requestId);
  // The same id for the loaders (one session validation per request); never the client's value.
  req.headers[REQUEST_KEY_HEADER] = requestId;
  for (const [name, value] of Object.entries(securityHeaders({ nonce, production }))) res.setHeader(name, value);
  if (!hostHeadersParse({ host: req.get("host"), forwardedHost: req.get("x-forwarded-host"), path: req.path })) {
    res.status(400).type("text/plain").send("Requête refusée : en-tête Host invalide. / Request refused: invalid Host header.");
    return;
  }
  const allowed = isAllowedOrigin({
    method: req.method,
    path: req.path,
    host: req.get("host"),
    origin: req.get("origin"),
    referer: req.get("referer"),
    appUrl: config.APP_URL,
    forwardedHost: req.get("x-forwarded-host"),
  });
  if (!allowed) {
    res.status(403).type("text/plain").send("Requête refusée : origine non autorisée. / Request refused: origin not allowed.");
    return;
  }
  next();
});
app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
// The other public files (favicon.svg, …) all have an extension: a page's path (/app, /ops/billing)
// goes straight to Remix instead of costing a file-system lookup first.
const servePublic = express.static("public", { maxAge: "1h" });
app.use((req, res, next) => (/\.[^/]*$/.test(req.path) ? servePublic(req, res, next) : next()));
app.all(
  "*",
  createRequestHandler({
    build,
    // Always "production" for Remix: it then never serialises an error's message or stack to the
    // browser (development mode would); the server log keeps them, with the request id.
    mode: "production",
    getLoadContext: (req, res) => ({ nonce: res.locals.nonce as string, ip: req.ip ?? "", requestId: res.locals.requestId as string }),
  }),
);
// Errors outside Remix (a request Express or the adapter cannot read): logged once with the
// request id, answered without a stack trace whatever NODE_ENV says.
app.use((error: unknown, req: express.Request, res: express.Response, next: express.NextFunction) => {
  if (res.headersSent) return next(error);
  const status = typeof (error as { status?: unknown })?.status === "number" && (error as { status: number }).status < 500 ? (error as { status: number }).status : 500;
  if (status >= 500) console.error(`[${res.locals.requestId ?? "-"}] ${req.method} ${req.path}`, error);
  res.status(status).type("text/plain").send(status >= 500 ? `Erreur inattendue / Unexpected error (${res.locals.requestId ?? ""})` : "Requête invalide / Bad request");
});

const stopWorker = config.SMTP_URL
  ? startOutboxWorker({ intervalMs: config.OUTBOX_INTERVAL_MS, send: smtpSender(config.SMTP_URL, config.MAIL_FROM) })
  : undefined;

// Expired sessions, ended sign-in limit counters and old one-time tokens: purged hourly.
const stopHousekeeping = startAuthHousekeeping();

// Background jobs (billing runs): claimed with a lease, so several servers share the work.
const stopJobs = startJobWorker(await getDb(), { intervalMs: 2000 });
// The daily payment reminders: today's run enqueued once (the job worker runs it).
const stopReminders = startRemindersSchedule(await getDb());
// The daily renewals (notices 90/60/30 days before a commitment ends, tacit renewals): same pattern.
const stopRenewals = startRenewalsSchedule(await getDb());
// Site access, daily: identity numbers purged VISIT_ID_RETENTION_DAYS after the visit, badge reminders (30 and 7 days): same pattern.
const stopSiteAccess = startSiteAccessSchedule(await getDb());
// The samples' monthly partitions (this month and the next three) and their retention: daily, same pattern.
const stopPartitions = startPartitionsSchedule(await getDb());

const server = app.listen(config.PORT, () => {
  const url = config.APP_URL ?? `http://localhost:${config.PORT}`;
  console.log(`\nColocation portal ready: ${url}`);
  console.log(config.DATABASE_URL ? "Database: PostgreSQL (DATABASE_URL)" : `Database: embedded PGlite in ${config.DATA_DIR}`);
  console.log(config.SMTP_URL ? "E-mail: delivered over SMTP" : "E-mail: kept in the outbox (Operator area → E-mail outbox)");
  if (!production) {
    console.log(`\nDemo accounts (password ${DEMO_PASSWORD}):`);
    for (const a of DEMO_ACCOUNTS) console.log(`  ${a.email.padEnd(28)} ${a.role.padEnd(12)} ${a.org ?? ""}`);
  }
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  server.close();
  await stopWorker?.();
  await stopHousekeeping();
  await stopReminders();
  await stopRenewals();
  await stopSiteAccess();
  await stopPartitions();
  await stopJobs();
  await closeDb();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
