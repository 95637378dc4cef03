import { Kysely, PostgresDialect, type Dialect } from "kysely";
import pg from "pg";
import { PGlite, types as pgliteTypes } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import type { Database } from "./schema";
import { env } from "./env.server";
import { lockDataDir } from "./lock.server";

/**
 * One database handle per process, whichever backend.
 *
 * - `DATABASE_URL` set  → a `pg` pool (production, CI).
 * - unset               → embedded PGlite in `DATA_DIR` with btree_gist.
 *
 * Both return the same JS types: int8 → number (checked to be a safe integer),
 * numeric → string, date → "YYYY-MM-DD" string, timestamptz → Date.
 *
 * Every connection runs with `TimeZone=UTC`: nothing depends on the server's or the database's
 * configured zone. "Today" is always a site's local date, computed from the site's `time_zone`
 * (`dayIn`/`siteToday` in the application, `site_today()` in SQL).
 *
 * An embedded `DATA_DIR` is opened by one process at a time: `openPglite` takes an exclusive lock
 * first (`lock.server.ts`, ADR 011) and releases it when the database is closed.
 */

/** What this module keeps once per process (on `globalThis`: the server entry and the Remix build are two module graphs). */
const shared = globalThis as unknown as { __portalDb?: Promise<Kysely<Database>>; __portalWrites?: number };

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

export function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${value} is outside the safe integer range`);
  return n;
}

/**
 * Statements prepared by name, once per connection (ADR 027). PostgreSQL then parses a statement
 * once, and after five runs keeps a generic plan when it is as good as the custom ones
 * (`plan_cache_mode = auto`): planning was most of the database's time on the pages (the service
 * desk's counts: ≈ 0.9 ms to plan, 0.2 ms to run). Only the queries and writes Kysely sends with
 * parameters (one without any goes as before, by the simple protocol, which runs the migrations'
 * multi-statement text), and at most `PREPARED_PER_CONNECTION` texts per connection — the rest run
 * unnamed as before — so statements whose text varies (an IN list's length, a bulk insert's rows)
 * cannot fill the server's memory.
 */
const PREPARED_PER_CONNECTION = 200;
const PREPARED_MAX_LENGTH = 20_000;
const PREPARABLE = /^\s*(select|with|insert|update|delete)\b/i;

class PreparingClient extends pg.Client {
  #names = new Map<string, string>();
  #noteWrites = writeWatcher();
  #prepared = 0;

  // pg's own overloads; Kysely calls query(text, values) and awaits the promise.
  query(config: any, values?: any, callback?: any): any {
    if (typeof config !== "string" || callback !== undefined) return super.query(config, values, callback);
    const run = Array.isArray(values) && values.length > 0 && config.length <= PREPARED_MAX_LENGTH && PREPARABLE.test(config) ? this.#named(config, values) : super.query(config, values);
    return run.then((result: pg.QueryResult) => {
      this.#noteWrites(config, result.rowCount ?? 0);
      return result;
    });
  }

  async #named(text: string, values: unknown[]): Promise<pg.QueryResult> {
    let name = this.#names.get(text);
    if (!name && this.#prepared < PREPARED_PER_CONNECTION) {
      name = `portal_${this.#prepared++}`;
      this.#names.set(text, name);
    }
    if (!name) return super.query(text, values);
    try {
      return await super.query({ name, text, values });
    } catch (error) {
      // A table's columns changed under a prepared `SELECT *` (a migration by a newer process while
      // this one still serves): PostgreSQL refuses the kept statement before running it. The text is
      // prepared again under a new name, and run again when no transaction was broken by the refusal.
      if ((error as { code?: string }).code !== "0A000" || !/cached plan must not change result type/.test(String(error))) throw error;
      this.#names.delete(text);
      return await this.#named(text, values).catch((retry: { code?: string }) => {
        throw retry.code === "25P02" ? error : retry;
      });
    }
  }
}

/**
 * How many times this process has changed the database: a statement that inserts, updates or
 * deletes (a data-modifying `WITH` included) and touched rows, and the commit of a transaction that
 * did (a reader in between may have seen the rows before the commit). A figure kept in memory
 * for a few seconds (the service desk's badge) is dropped as soon as this moves, so this process's
 * own writes show at once; other processes' show when the kept figure expires. A write made by
 * a function a SELECT calls is not seen.
 */
export const writeGeneration = () => shared.__portalWrites ?? 0;
const bump = () => (shared.__portalWrites = writeGeneration() + 1);
const WRITES = /\b(insert\s+into|update\s+\S+(\s+(as\s+)?\S+)?\s+set|delete\s+from|merge\s+into|copy)\b/i;
const BEGINS = /^\s*(begin|start\s+transaction)\b/i;
const ENDS = /^\s*(commit|rollback)\b/i;

/** One connection's watcher of its statements (each connection runs its own transactions). */
function writeWatcher() {
  let transaction: "none" | "read" | "wrote" = "none";
  return (text: string, rows: number) => {
    if (rows > 0 && WRITES.test(text)) {
      if (transaction === "read") transaction = "wrote";
      bump();
    } else if (BEGINS.test(text)) {
      transaction = "read";
    } else if (ENDS.test(text)) {
      if (transaction === "wrote" && /^\s*commit/i.test(text)) bump();
      transaction = "none";
    }
  };
}

export function pgPool(connectionString: string, max = 10) {
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString,
    max,
    options: "-c TimeZone=UTC",
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") => {
        if (oid === INT8) return parseInt8;
        if (oid === NUMERIC || oid === DATE) return (v: string) => v;
        return pg.types.getTypeParser(oid, format as "text");
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection the server closes (restart, failover) must not crash the process;
  // the pool replaces it on next use.
  pool.on("error", (error) => console.error(`[db] idle connection lost: ${error.message}`));
  return pool;
}

const pgliteParsers = {
  [pgliteTypes.INT8]: parseInt8,
  [pgliteTypes.NUMERIC]: (v: string) => v,
  [pgliteTypes.DATE]: (v: string) => v,
};

/**
 * An embedded database: in memory without `dataDir` (tests), otherwise in that directory, locked
 * for this process before PGlite reads anything (a second process gets `DataDirLockedError`).
 * `from`: start from a dump of another database's files (`dumpDataDir`), as the tests do.
 */
export async function openPglite(dataDir?: string, from?: Blob | File) {
  const release = dataDir ? lockDataDir(dataDir) : () => {};
  let client: PGlite;
  try {
    client = await PGlite.create({ dataDir, loadDataDir: from, extensions: { btree_gist }, parsers: pgliteParsers });
    await client.exec("SET TimeZone = 'UTC'");
  } catch (error) {
    release();
    throw error;
  }
  const close = client.close.bind(client);
  client.close = async () => {
    try {
      await close();
    } finally {
      release();
    }
  };
  return client;
}

/**
 * A `pg.Pool`-shaped wrapper so Kysely's own PostgresDialect drives PGlite.
 * PGlite is one connection: a mutex hands it to one Kysely connection at a time,
 * so a transaction has it to itself until it commits or rolls back.
 */
export function pglitePool(client: PGlite) {
  let queue: Promise<void> = Promise.resolve();
  const noteWrites = writeWatcher();
  const connection = {
    async query(sql: string, params: unknown[]) {
      // Without parameters use the simple protocol, which also runs multi-statement SQL (migrations).
      // Parsers are passed on every call: a clone() does not inherit the ones given at creation.
      const options = { rowMode: "object" as const, parsers: pgliteParsers };
      const result = params.length ? await client.query(sql, params as any[], options) : (await client.exec(sql, options)).at(-1)!;
      const command = sql.trimStart().slice(0, 6).toUpperCase();
      noteWrites(sql, Math.max(result.affectedRows ?? 0, result.rows.length));
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length, command };
    },
  };
  return {
    connect: () =>
      new Promise((resolve) => {
        queue = queue.then(
          () =>
            new Promise<void>((release) => {
              resolve({ ...connection, release: () => release() });
            }),
        );
      }),
    end: () => client.close(),
  };
}

export function kyselyFor(dialect: Dialect) {
  return new Kysely<Database>({ dialect });
}

export function pgliteKysely(client: PGlite) {
  return kyselyFor(new PostgresDialect({ pool: pglitePool(client) as any }));
}

export function pgKysely(connectionString: string, max?: number) {
  return kyselyFor(new PostgresDialect({ pool: pgPool(connectionString, max) }));
}

async function createDb(): Promise<Kysely<Database>> {
  const { DATABASE_URL, DATA_DIR } = env();
  if (DATABASE_URL) return pgKysely(DATABASE_URL);
  return pgliteKysely(await openPglite(DATA_DIR));
}

// One instance per process even when the server entry and the Remix build each
// import this module (they are separate module graphs): kept on `shared`.

export function getDb(): Promise<Kysely<Database>> {
  shared.__portalDb ??= createDb();
  return shared.__portalDb;
}

/** Tests and scripts set the handle explicitly (a cloned PGlite, a test database). */
export function setDb(db: Kysely<Database>) {
  shared.__portalDb = Promise.resolve(db);
}

/** Forget the process-wide handle if it is `db` (a test closing its own database). */
export async function forgetDb(db: Kysely<Database>) {
  if (shared.__portalDb && (await shared.__portalDb) === db) shared.__portalDb = undefined;
}

export async function closeDb() {
  const current = shared.__portalDb;
  shared.__portalDb = undefined;
  // A database that never opened (its directory locked by another process) has nothing to close.
  const db = await current?.catch(() => undefined);
  await db?.destroy();
}

export type DB = Kysely<Database>;
