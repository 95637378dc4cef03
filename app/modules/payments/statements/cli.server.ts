import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { importStatement } from "../reconcile.server";
import { STATEMENT_MAX_BYTES, type StatementIssue } from "./types";

/**
 * `statement import --site CODE --file FILE --format csv|mt940|camt053` (billing.md): imports a
 * statement in the layouts of the contract (csv = `date,amount,currency,label,transaction_id`) as
 * bank transfers, matches its lines, and prints `{"lines","new","matched","suggested","unmatched"}`.
 * A bad argument or a refused file is a usage error (the CLI prints it on stderr, exit 2).
 */
export type CliOutcome = { ok: true; json: string } | { ok: false; usage: string };

const describe = (issues: StatementIssue[]) =>
  issues
    .slice(0, 10)
    .map((i) => `${i.line ? `line ${i.line}: ` : ""}${i.problem}${i.field ? ` (${i.field})` : ""}`)
    .join("\n");

export async function statementImportCommand(db: Kysely<Database>, args: string[]): Promise<CliOutcome> {
  const { values } = parseArgs({ args, options: { site: { type: "string" }, file: { type: "string" }, format: { type: "string" } } });
  const site = values.site?.trim().toUpperCase();
  if (!site || !/^[A-Z]{3}$/.test(site)) return { ok: false, usage: "--site: is required, a site code such as LDC" };
  if (!values.file?.trim()) return { ok: false, usage: "--file: the statement file is required" };
  const format = values.format?.trim().toLowerCase();
  if (format !== "csv" && format !== "mt940" && format !== "camt053") return { ok: false, usage: "--format: csv, mt940 or camt053" };
  let bytes: Uint8Array;
  try {
    const info = await stat(values.file);
    if (!info.isFile()) return { ok: false, usage: `--file: ${values.file} is not a file` };
    if (info.size > STATEMENT_MAX_BYTES) return { ok: false, usage: `--file: larger than ${STATEMENT_MAX_BYTES / 1024 / 1024} MB` };
    bytes = new Uint8Array(await readFile(values.file));
  } catch {
    return { ok: false, usage: `--file: cannot read ${values.file}` };
  }
  const result = await db.transaction().execute((trx) =>
    importStatement(trx, { siteCode: site, plainFormat: format === "csv" ? "csv_plain" : format, bytes, fileName: basename(values.file!), actor: null, via: "cli" }),
  );
  if (!result.ok) {
    if (result.error === "invalid") return { ok: false, usage: `--file: the statement was refused, nothing imported:\n${describe(result.issues)}` };
    return { ok: false, usage: `--site: unknown site ${site}` };
  }
  return { ok: true, json: JSON.stringify({ lines: result.lines, new: result.new, matched: result.matched, suggested: result.suggested, unmatched: result.unmatched }) };
}
