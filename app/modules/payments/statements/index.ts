import { parseCsvStatement, parsePlainCsv } from "./csv";
import { parseCamt053 } from "./camt053";
import { parseMt940 } from "./mt940";
import { STATEMENT_MAX_BYTES, type CsvMapping, type ParseOptions, type ParseResult } from "./types";

export * from "./types";
export { PLAIN_MAPPING } from "./csv";
export { DATE_FORMATS } from "./constants";

export type StatementLayout = { format: "csv_plain" } | { format: "csv"; mapping: CsvMapping } | { format: "mt940" } | { format: "camt053" };

/**
 * A statement file's bytes → its incoming lines. Refused whole (nothing to write) when it is too
 * large, not UTF-8 text (a binary file, a spreadsheet), holds a NUL, or any line is bad.
 * Latin-1 exports are common in francophone banks: a file that is not UTF-8 but has no byte below
 * 0x09 is read as Windows-1252.
 */
export function parseStatement(bytes: Uint8Array, layout: StatementLayout, opts: ParseOptions): ParseResult {
  if (bytes.byteLength === 0) return { ok: false, issues: [{ line: null, problem: "empty" }] };
  if (bytes.byteLength > STATEMENT_MAX_BYTES) return { ok: false, issues: [{ line: null, problem: "tooLarge" }] };
  const text = decode(bytes);
  if (text === null) return { ok: false, issues: [{ line: null, problem: "notText" }] };
  switch (layout.format) {
    case "csv_plain":
      return parsePlainCsv(text, opts);
    case "csv":
      return parseCsvStatement(text, layout.mapping, opts);
    case "mt940":
      return parseMt940(text, opts);
    case "camt053":
      return parseCamt053(text, opts);
  }
}

function decode(bytes: Uint8Array): string | null {
  // Binary (a PDF, a ZIP-based spreadsheet, an image): a NUL, or many control bytes, near the start.
  // A stray control character in a text file is reported on its line instead.
  const head = bytes.subarray(0, 8192);
  let controls = 0;
  for (const b of head) {
    if (b === 0) return null;
    if (b < 0x09 || (b > 0x0d && b < 0x20)) controls++;
  }
  if (controls * 20 > head.byteLength) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}
