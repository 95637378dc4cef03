import { closeDb, getDb } from "./client.server";
import { DataDirLockedError } from "./lock.server";
import { migrateToLatest } from "./migrate.server";

try {
  const db = await getDb();
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
} catch (error) {
  // Another process holds the embedded database: say so plainly, nothing was touched.
  if (!(error instanceof DataDirLockedError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
} finally {
  await closeDb();
}
