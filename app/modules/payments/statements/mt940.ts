import { checkDay, readAmount, readCurrency, readText } from "./fields";
import { MAX_ISSUES, STATEMENT_MAX_LINES, type ParseOptions, type ParseResult, type StatementEntry, type StatementIssue } from "./types";

/**
 * SWIFT MT940 customer statements, the fields a reconciliation needs:
 * `:60F:`/`:60M:` (opening balance: the account's currency), `:61:` (one movement: value date,
 * D/C mark, amount with a decimal comma, type, references) and the `:86:` after it (free text,
 * or `?20`…`?29` remittance and `?32`/`?33` payer subfields). SWIFT block wrappers (`{1:…}{4:`,
 * `-}`) are skipped. Written here rather than taken from npm: the maintained JavaScript parsers read
 * amounts as floats rounded to cents, which a franc or a cent must never go through.
 */

interface Field {
  tag: string;
  value: string;
  line: number;
}

/** The file's fields in order, continuation lines joined to their field with a line break. */
function fields(text: string): Field[] {
  const out: Field[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  lines.forEach((raw, i) => {
    let line = raw;
    // Block wrappers: "{1:F01…}{2:…}{4:" before the first field, "-}" after the last.
    line = line.replace(/^(\{\d:[^{}]*\})*\{4:/, "");
    if (/^-\}?$/.test(line.trim()) || /^\{\d:/.test(line)) return;
    const m = /^:(\d{2}[A-Z]?):(.*)$/.exec(line);
    if (m) out.push({ tag: m[1], value: m[2], line: i + 1 });
    else if (out.length && line.trim()) out[out.length - 1].value += `\n${line}`;
  });
  return out;
}

const SIXTY_ONE = /^(\d{2})(\d{2})(\d{2})(\d{4})?(R?[DC])([A-Z])?(\d[\d,]{0,15})([A-Z][A-Z0-9]{3})([^/\n]{0,16})(?:\/\/([^\n]{0,16}))?(?:\n([\s\S]*))?$/;

/** `:86:` with `?NN` subfields: remittance (20–29) and the other party's name (32, 33). */
function details(value: string): { label: string; payer: string | null } {
  const flat = value.replace(/\n/g, "");
  if (!/\?\d{2}/.test(flat)) return { label: value.replace(/\n/g, " "), payer: null };
  const parts = [...flat.matchAll(/\?(\d{2})([^?]*)/g)].map((m) => ({ code: Number(m[1]), text: m[2] }));
  const label = parts
    .filter((p) => p.code >= 20 && p.code <= 29)
    .map((p) => p.text)
    .join("");
  const payer = parts
    .filter((p) => p.code === 32 || p.code === 33)
    .map((p) => p.text)
    .join("");
  return { label: label || flat, payer: payer || null };
}

const reference = (value: string | undefined) => {
  const v = (value ?? "").trim();
  return v && v.toUpperCase() !== "NONREF" ? v : null;
};

export function parseMt940(text: string, opts: ParseOptions): ParseResult {
  const all = fields(text);
  if (!all.length) return { ok: false, issues: [{ line: null, problem: "empty" }] };
  if (!all.some((f) => f.tag === "20")) return { ok: false, issues: [{ line: 1, problem: "mt940", field: ":20:" }] };
  const entries: StatementEntry[] = [];
  const issues: StatementIssue[] = [];
  let currencyCode: string | null = null;
  let total = 0;
  let outgoing = 0;
  for (let i = 0; i < all.length && issues.length < MAX_ISSUES; i++) {
    const f = all[i];
    if (f.tag === "60F" || f.tag === "60M") {
      const m = /^[DC]\d{6}([A-Z]{3})/.exec(f.value);
      if (!m) issues.push({ line: f.line, problem: "mt940", field: `:${f.tag}:` });
      else currencyCode = m[1];
      continue;
    }
    if (f.tag !== "61") continue;
    total += 1;
    if (total > STATEMENT_MAX_LINES) return { ok: false, issues: [{ line: null, problem: "tooMany" }] };
    const m = SIXTY_ONE.exec(f.value);
    if (!m) {
      issues.push({ line: f.line, problem: "mt940", field: ":61:" });
      continue;
    }
    const [, yy, mm, dd, , mark, , amountText, , customerRef, bankRef] = m;
    const currency = readCurrency(currencyCode ?? "", opts.siteCurrency);
    if (!currencyCode || !currency) {
      issues.push({ line: f.line, problem: "currency", field: ":60F:" });
      continue;
    }
    const amount = readAmount(amountText, ",", currency);
    if (!amount.ok) {
      issues.push({ line: f.line, problem: amount.problem, field: ":61:" });
      continue;
    }
    const day = checkDay(`20${yy}-${mm}-${dd}`, opts.latestOn);
    if (!day.ok) {
      issues.push({ line: f.line, problem: day.problem, field: ":61:" });
      continue;
    }
    const next = all[i + 1]?.tag === "86" ? all[i + 1] : undefined;
    const info = details(next?.value ?? "");
    const label = readText(info.label, 500);
    const payer = readText(info.payer, 200);
    if (!label.ok || !payer.ok) {
      issues.push({ line: next?.line ?? f.line, problem: "control", field: ":86:" });
      continue;
    }
    // C = credit, D = debit; RC (reversal of a credit) takes money back, RD gives it.
    const incoming = mark === "C" || mark === "RD";
    if (!incoming) {
      outgoing += 1;
      continue;
    }
    if (amount.minor === 0) continue;
    const transactionId = reference(bankRef) ?? reference(customerRef);
    if (transactionId && /[\u0000-\u001f\u007f]/.test(transactionId)) {
      issues.push({ line: f.line, problem: "control", field: ":61:" });
      continue;
    }
    entries.push({ line: f.line, bookedOn: day.on, amountMinor: amount.minor, currency, label: label.value, payer: payer.value || null, transactionId });
  }
  if (issues.length) return { ok: false, issues };
  if (total === 0 && !currencyCode) return { ok: false, issues: [{ line: null, problem: "mt940", field: ":61:" }] };
  return { ok: true, entries, total, outgoing };
}
