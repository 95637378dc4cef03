import { parse } from "csv-parse/sync";
import { readAmount, readCurrency, readDate, readText, readTransactionId } from "./fields";
import { MAX_ISSUES, STATEMENT_MAX_LINES, type CsvMapping, type ParseOptions, type ParseResult, type StatementEntry, type StatementIssue } from "./types";

/**
 * CSV statements: the plain layout of billing.md (`date,amount,currency,label,transaction_id`, ISO
 * dates, a dot, positive = received), or any bank's or operator's export read through the column
 * mapping saved on its source. Columns are found by their header (case and spaces ignored).
 */
export const PLAIN_MAPPING: CsvMapping = {
  delimiter: ",",
  dateColumn: "date",
  amountColumn: "amount",
  currencyColumn: "currency",
  labelColumn: "label",
  transactionIdColumn: "transaction_id",
  payerColumn: null,
  dateFormat: "YYYY-MM-DD",
  decimalSeparator: ".",
};

const headerKey = (name: string) => name.replace(/^\uFEFF/, "").trim().toLowerCase().replace(/\s+/g, " ");

export function parseCsvStatement(text: string, mapping: CsvMapping, opts: ParseOptions, plain = false): ParseResult {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text.replace(/^\uFEFF/, ""), {
      delimiter: mapping.delimiter,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      max_record_size: 64 * 1024,
      to: STATEMENT_MAX_LINES + 2,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const line = /line (\d+)/.exec(String((error as Error).message));
    return { ok: false, issues: [{ line: line ? Number(line[1]) : null, problem: "malformed" }] };
  }
  if (records.length === 0) return { ok: false, issues: [{ line: null, problem: "empty" }] };
  if (records.length > STATEMENT_MAX_LINES + 1) return { ok: false, issues: [{ line: null, problem: "tooMany" }] };

  const header = records[0].record.map(headerKey);
  const column = (name: string | null) => (name ? header.indexOf(headerKey(name)) : -1);
  const at = {
    date: column(mapping.dateColumn),
    amount: column(mapping.amountColumn),
    currency: column(mapping.currencyColumn),
    label: column(mapping.labelColumn),
    transactionId: column(mapping.transactionIdColumn),
    payer: column(mapping.payerColumn),
  };
  const missing = (
    [
      ["date", mapping.dateColumn],
      ["amount", mapping.amountColumn],
      ["label", mapping.labelColumn],
      ["currency", mapping.currencyColumn],
      ["transactionId", mapping.transactionIdColumn],
      ["payer", mapping.payerColumn],
    ] as const
  ).filter(([key, name]) => name && at[key] < 0);
  // The plain layout is exactly billing.md's header.
  if (plain && header.join(",") !== "date,amount,currency,label,transaction_id") return { ok: false, issues: [{ line: 1, problem: "header" }] };
  if (missing.length) return { ok: false, issues: missing.map(([, name]) => ({ line: 1, problem: "header" as const, field: name ?? undefined })) };

  const entries: StatementEntry[] = [];
  const issues: StatementIssue[] = [];
  let outgoing = 0;
  const rows = records.slice(1);
  for (const { record, info } of rows) {
    if (issues.length >= MAX_ISSUES) break;
    const line = info.lines;
    const cell = (i: number) => (i >= 0 ? (record[i] ?? "") : "");
    const fail = (problem: StatementIssue["problem"], field: string | null) => issues.push({ line, problem, field: field ?? undefined });
    const currency = readCurrency(at.currency >= 0 ? cell(at.currency) : null, opts.siteCurrency);
    if (!currency) {
      fail("currency", mapping.currencyColumn);
      continue;
    }
    const amount = readAmount(cell(at.amount), mapping.decimalSeparator, currency);
    if (!amount.ok) {
      fail(amount.problem, mapping.amountColumn);
      continue;
    }
    const date = readDate(cell(at.date), mapping.dateFormat, opts.latestOn);
    if (!date.ok) {
      fail(date.problem, mapping.dateColumn);
      continue;
    }
    const label = readText(cell(at.label), 500);
    const payer = readText(cell(at.payer), 200);
    const tx = readTransactionId(cell(at.transactionId));
    if (!label.ok) fail("control", mapping.labelColumn);
    else if (!payer.ok) fail("control", mapping.payerColumn);
    else if (!tx.ok) fail(tx.problem, mapping.transactionIdColumn);
    if (!label.ok || !payer.ok || !tx.ok) continue;
    if (amount.negative || amount.minor === 0) {
      outgoing += amount.minor === 0 ? 0 : 1;
      continue;
    }
    entries.push({ line, bookedOn: date.on, amountMinor: amount.minor, currency, label: label.value, payer: payer.value || null, transactionId: tx.value });
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, entries, total: rows.length, outgoing };
}

export const parsePlainCsv = (text: string, opts: ParseOptions) => parseCsvStatement(text, PLAIN_MAPPING, opts, true);
