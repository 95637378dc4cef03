import { execFile } from "node:child_process";
import type { Kysely } from "kysely";
import { openPglite, pgliteKysely } from "#db/client.server";
import type { Database } from "#db/schema";

export interface TsxResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * `npx tsx <args>` in a child process, as operators run the CLI, against the embedded database in
 * `dataDir` whatever TEST_DATABASE_URL says. Only one process opens a PGlite directory at a time:
 * read the database only once the child has exited.
 */
export function runTsx(dataDir: string, args: string[], extraEnv: Record<string, string> = {}): Promise<TsxResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: "test", ...extraEnv };
  delete env.DATABASE_URL;
  delete env.TEST_DATABASE_URL;
  const started = Date.now();
  return new Promise((resolve) => {
    execFile("npx", ["tsx", ...args], { cwd: process.cwd(), env, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Open the embedded database in `dataDir` in this process, use it, close it. */
export async function withDatabaseAt<T>(dataDir: string, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const db = pgliteKysely(await openPglite(dataDir));
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}
