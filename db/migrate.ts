import { closeDb, getDb } from "./client.server";
import { migrateToLatest } from "./migrate.server";

const db = await getDb();
const applied = await migrateToLatest(db);
console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
await closeDb();
