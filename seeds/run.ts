/**
 * `npm run db:seed [-- --no-demo | --demo]`
 *
 * Migrates the database, then writes the reference data (sites, rooms, racks, price lists)
 * and, unless NODE_ENV=production or `--no-demo` is given, the demo organisations and users.
 * Safe to run again: nothing is duplicated or overwritten.
 */
import { closeDb, getDb } from "#db/client.server";
import { migrateToLatest } from "#db/migrate.server";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "./demo";
import { seed } from "./index.server";

const USAGE = "Usage: npm run db:seed [-- --no-demo | --demo]";

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== "--no-demo" && a !== "--demo");
const production = process.env.NODE_ENV === "production";

try {
  if (unknown.length > 0) throw new Error(`Unknown argument ${unknown.join(" ")}. ${USAGE}`);
  if (args.includes("--demo") && args.includes("--no-demo")) throw new Error(`--demo and --no-demo together. ${USAGE}`);
  // --demo only makes the default explicit; in production seed() refuses it with a clear message.
  const demo = args.includes("--demo") || (!args.includes("--no-demo") && !production);

  const db = await getDb();
  const applied = await migrateToLatest(db);
  if (applied.length) console.log(`Migrations applied: ${applied.join(", ")}`);

  const r = await seed(db, { demo });
  const created = [
    `${r.sites} sites`,
    `${r.rooms} rooms`,
    `${r.racks} racks`,
    `${r.products} products`,
    `${r.ports} cross-connect ports`,
    ...(demo
      ? [`${r.organisations} organisations`, `${r.users} users`, `${r.memberships} memberships`, `${r.contracts} contracts`, `${r.requests} requests`, `${r.samples} usage samples`]
      : []),
  ].join(", ");
  console.log(`Seed complete (reference data${demo ? " + demo accounts" : ", no demo accounts"}). Created: ${created}.`);
  if (Object.entries(r).every(([k, v]) => k === "demo" || v === 0)) console.log("Everything was already in place.");

  if (demo) {
    console.log(`\nDemo accounts (password: ${DEMO_PASSWORD}):`);
    for (const a of DEMO_ACCOUNTS) console.log(`  ${a.email.padEnd(28)} ${a.role.padEnd(12)} ${a.org ?? "operator"}`);
  }
} catch (error) {
  console.error(`db:seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await closeDb().catch(() => {});
}
