/**
 * An operator imports a CSV file of samples for a site from the browser (/ops/metering/import):
 * the same columns and rules as the ingestion API (`parseBatch("text/csv", …)` then `storeBatch`),
 * all or nothing, with every problem reported by the file's own line number.
 */
import { parse as parseCsv } from "csv-parse/sync";
import type { Trx } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { parseBatch, RANGE_MESSAGES, storeBatch, type Issue, type Sample } from "./ingest.server";

export const CSV_COLUMNS = ["meter", "metric", "at", "value"] as const;
type Column = (typeof CSV_COLUMNS)[number];

/** What is wrong, as a code the page translates; `line` is the file's line (1 = the header). */
export interface ImportIssue {
  line: number | null;
  column: Column | null;
  problem: "header" | "malformed" | "meter" | "unknownMeter" | "metric" | "at" | "atTooEarly" | "atFuture" | "value" | "valueTooLarge" | "invalid";
  /** The meter id named on the line, for `unknownMeter`. */
  meter?: string;
}

export type ImportResult =
  | { ok: true; samples: number; accepted: number; duplicates: number }
  | { ok: false; error: "empty" }
  | { ok: false; error: "too_many" }
  | { ok: false; error: "invalid"; issues: ImportIssue[]; truncated: boolean };

/** How many problems a failed import reports at most (parseBatch and storeBatch stop at 100 too). */
export const MAX_REPORTED_ISSUES = 100;

export async function importSamplesCsv(
  trx: Trx,
  input: { siteId: string; text: string; fileName: string; actor: Actor; now?: Date },
): Promise<ImportResult> {
  const text = input.text.replace(/^\uFEFF/, ""); // a spreadsheet's byte-order mark is not part of the header
  const batch = parseBatch("text/csv", text, { now: input.now });
  if (!batch.ok) {
    if (batch.failure.status === 413) return { ok: false, error: "too_many" };
    if (batch.failure.status !== 400) throw new Error(`unexpected ingest failure ${batch.failure.status}`);
    return invalid(text, batch.failure.body.issues, []);
  }
  if (batch.samples.length === 0) return { ok: false, error: "empty" };
  const stored = await storeBatch(trx, input.siteId, batch.samples);
  if (!stored.ok) {
    if (stored.failure.status !== 400) throw new Error(`unexpected ingest failure ${stored.failure.status}`);
    return invalid(text, stored.failure.body.issues, batch.samples);
  }
  await recordAudit(trx, {
    actor: input.actor,
    action: "usage.imported",
    entityType: "site",
    entityId: input.siteId,
    after: { file: input.fileName.slice(0, 200), samples: batch.samples.length, accepted: stored.accepted, duplicates: stored.duplicates },
  });
  return { ok: true, samples: batch.samples.length, accepted: stored.accepted, duplicates: stored.duplicates };
}

function invalid(text: string, issues: Issue[], samples: Sample[]): ImportResult {
  const lineOf = sampleLines(text);
  const mapped = issues.slice(0, MAX_REPORTED_ISSUES).map((issue): ImportIssue => {
    const match = /^samples\.(\d+)\.(\w+)$/.exec(issue.path);
    if (!match) {
      if (issue.message.startsWith("the first line")) return { line: 1, column: null, problem: "header" };
      if (issue.message.startsWith("malformed CSV")) {
        const line = /\bline (\d+)/.exec(issue.message);
        return { line: line ? Number(line[1]) : null, column: null, problem: "malformed" };
      }
      return { line: null, column: null, problem: "invalid" };
    }
    const index = Number(match[1]);
    const column = CSV_COLUMNS.find((c) => c === match[2]) ?? null;
    const line = lineOf(index);
    // Unknown meters are only found by storeBatch, once every line parsed.
    if (column === "meter" && samples[index]) return { line, column, problem: "unknownMeter", meter: samples[index].meter };
    if (issue.message === RANGE_MESSAGES.atTooEarly) return { line, column, problem: "atTooEarly" };
    if (issue.message === RANGE_MESSAGES.atFuture) return { line, column, problem: "atFuture" };
    if (issue.message === RANGE_MESSAGES.valueTooLarge) return { line, column, problem: "valueTooLarge" };
    return { line, column, problem: column ?? "invalid" };
  });
  return { ok: false, error: "invalid", issues: mapped, truncated: issues.length >= MAX_REPORTED_ISSUES };
}

/**
 * Sample N (0-based) → its line in the file. Line N + 2 (line 1 is the header) unless the file has
 * blank lines or quoted line breaks, which the parser skips or joins: then it reads the file again
 * (only when reporting problems) to give the line the operator sees in an editor.
 */
function sampleLines(text: string): (index: number) => number {
  let lines: number[] | undefined;
  try {
    const records = parseCsv(text, { skip_empty_lines: true, trim: true, relax_column_count: true, info: true }) as unknown as { info: { lines: number } }[];
    lines = records.slice(1).map((r) => r.info.lines);
  } catch {
    lines = undefined;
  }
  return (index) => lines?.[index] ?? index + 2;
}
