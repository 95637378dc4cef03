import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";

/**
 * One process at a time in an embedded database directory (ADR 011).
 *
 * PGlite is PostgreSQL in a single process: two processes opening the same directory each keep
 * their own buffers and WAL and overwrite each other's pages (a token the server never saw, an index
 * missing entries). So every process that opens `DATA_DIR` first creates `DATA_DIR/portal.lock`
 * with O_EXCL, holding its PID; a second process finds it and stops before PGlite reads a byte.
 *
 * A lock left by a process that died without cleaning up (kill -9, power loss) is stale: its PID is
 * no longer alive (or is alive but started later than the lock, a reused PID). It is taken over by
 * renaming it away (atomic: only one contender wins) and checking that what was renamed is indeed
 * the stale lock.
 */

export const LOCK_FILE = "portal.lock";

interface Owner {
  pid: number;
  host: string;
  /** The owner's start time in kernel ticks since boot (Linux), to tell a reused PID from the owner. */
  started: number | null;
  nonce: string;
  at: string;
}

export class DataDirLockedError extends Error {
  readonly code = "DATA_DIR_LOCKED";
  constructor(
    readonly dataDir: string,
    readonly owner: Partial<Owner> | undefined,
  ) {
    const who = owner?.pid ? ` (PID ${owner.pid}${owner.host && owner.host !== hostname() ? ` @ ${owner.host}` : ""})` : "";
    const file = join(dataDir, LOCK_FILE);
    super(
      [
        `La base embarquée ${dataDir} est déjà ouverte par un autre processus${who} : arrêtez d'abord le portail, ou utilisez DATABASE_URL. Rien n'a été modifié.`,
        `The embedded database ${dataDir} is already open in another process${who}: stop the portal first, or use DATABASE_URL. Nothing was changed.`,
        ...(owner?.host && owner.host !== hostname()
          ? [`(Lock file: ${file}. Delete it only if no process on ${owner.host} uses this directory.)`]
          : []),
      ].join("\n"),
    );
    this.name = "DataDirLockedError";
  }
}

/** State and start time (clock ticks since boot) of a process, from /proc (Linux); null elsewhere. */
function procStat(pid: number): { state: string; started: number | null } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields 3 and 22; the command name (field 2) may contain spaces and parentheses, so count from the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[19]);
    return { state: fields[0], started: Number.isFinite(ticks) ? ticks : null };
  } catch {
    return null;
  }
}
const startTicks = (pid: number) => procStat(pid)?.started ?? null;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  // A killed process nobody has reaped yet (a zombie) still answers signal 0.
  const state = procStat(pid)?.state;
  return state !== "Z" && state !== "X";
}

function readOwner(file: string): Partial<Owner> | undefined | "missing" {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Partial<Owner>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    return undefined; // unreadable or half-written: treat as held, never guess
  }
}

/** Held by a live process? A lock from another host cannot be checked and counts as held. */
function isLive(file: string, owner: Partial<Owner> | undefined): boolean {
  if (!owner || typeof owner.pid !== "number") {
    // Unreadable: a process may be between creating the file and writing its PID. Only a file
    // left that way for a while (a crash at that very moment) is stale.
    try {
      return Date.now() - statSync(file).mtimeMs < 10_000;
    } catch {
      return true;
    }
  }
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return held.has(owner.nonce ?? ""); // our PID, reused after a restart
  if (!pidAlive(owner.pid)) return false;
  const started = startTicks(owner.pid);
  return owner.started == null || started == null || started === owner.started;
}

const held = new Map<string, string>(); // nonce → lock file path

function releaseSync(file: string, nonce: string) {
  if (!held.delete(nonce)) return;
  const owner = readOwner(file);
  if (owner !== "missing" && owner?.nonce === nonce) {
    try {
      unlinkSync(file);
    } catch {
      /* already gone */
    }
  }
}

let exitHooked = false;
function hookExit() {
  if (exitHooked) return;
  exitHooked = true;
  const releaseAll = () => {
    for (const [nonce, file] of [...held]) releaseSync(file, nonce);
  };
  process.on("exit", releaseAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      // A process with its own handler (the server's graceful shutdown) releases through close().
      if (process.listenerCount(signal) > 1) return;
      releaseAll();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal); // the default action: end with the signal's status
    };
    process.on(signal, onSignal);
  }
}

/**
 * Take the exclusive lock on an embedded database directory (creating the directory if needed),
 * or throw `DataDirLockedError` without touching anything. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  const owner: Owner = { pid: process.pid, host: hostname(), started: startTicks(process.pid), nonce: randomBytes(8).toString("hex"), at: new Date().toISOString() };
  const content = JSON.stringify(owner);

  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o644);
      try {
        writeSync(fd, content);
      } finally {
        closeSync(fd);
      }
      held.set(owner.nonce, file);
      hookExit();
      return () => releaseSync(file, owner.nonce);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const current = readOwner(file);
    if (current === "missing") continue; // released meanwhile: try again
    if (isLive(file, current)) throw new DataDirLockedError(dataDir, current);
    // Stale: move it aside atomically, then make sure it was the stale lock we judged.
    const aside = `${file}.stale-${owner.nonce}`;
    try {
      renameSync(file, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue; // another contender took it over
      throw error;
    }
    const moved = readOwner(aside);
    if (moved !== "missing" && moved?.nonce !== current?.nonce) {
      // We moved a fresh lock another contender had just created: put it back and give way.
      try {
        linkSync(aside, file);
      } catch {
        /* a third contender holds the lock now */
      }
      unlinkSync(aside);
      throw new DataDirLockedError(dataDir, moved);
    }
    unlinkSync(aside);
  }
  throw new DataDirLockedError(dataDir, undefined);
}
