import { XMLParser, XMLValidator } from "fast-xml-parser";
import { checkDay, readAmount, readCurrency, readText, readTransactionId } from "./fields";
import { MAX_ISSUES, STATEMENT_MAX_LINES, type ParseOptions, type ParseResult, type StatementEntry, type StatementIssue } from "./types";

/**
 * ISO 20022 CAMT.053 bank-to-customer statements (any version: namespaces are dropped), read with
 * fast-xml-parser, every value kept as text. One line per booked entry (`Ntry`): `Amt` and its
 * `Ccy`, `CdtDbtInd` (CRDT received, DBIT outgoing), `BookgDt` (or `ValDt`), the bank's reference
 * (`AcctSvcrRef`, else `NtryRef`, else the transaction's `TxId`/`EndToEndId`), the remittance text
 * (`Ustrd`, structured `Ref`, `AddtlNtryInf`) and the debtor's name. Entries not booked (`PDNG`,
 * `INFO`) are left out. A document type declaration is refused (no entity expansion).
 */

type Node = Record<string, unknown>;

const ARRAYS = new Set(["Stmt", "Ntry", "NtryDtls", "TxDtls", "Ustrd", "Strd", "AddtlNtryInf"]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: false,
  trimValues: true,
  isArray: (name) => ARRAYS.has(name),
});

const asNode = (v: unknown): Node | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Node) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
/** The text of an element (a plain string, or `#text` beside attributes). */
const text = (v: unknown): string => {
  if (typeof v === "string") return v;
  const n = asNode(v);
  return n && typeof n["#text"] === "string" ? n["#text"] : "";
};
const path = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((node, key) => asNode(node)?.[key], v);
const notProvided = (v: string) => (v && v.toUpperCase() !== "NOTPROVIDED" ? v : "");

export function parseCamt053(xml: string, opts: ParseOptions): ParseResult {
  const source = xml.replace(/^\uFEFF/, "");
  if (!source.trim()) return { ok: false, issues: [{ line: null, problem: "empty" }] };
  if (/<!DOCTYPE|<!ENTITY/i.test(source)) return { ok: false, issues: [{ line: null, problem: "xml" }] };
  const valid = XMLValidator.validate(source);
  if (valid !== true) return { ok: false, issues: [{ line: valid.err.line ?? null, problem: "xml" }] };
  let doc: Node;
  try {
    doc = parser.parse(source) as Node;
  } catch {
    return { ok: false, issues: [{ line: null, problem: "xml" }] };
  }
  const statements = list(path(doc, "Document", "BkToCstmrStmt", "Stmt"));
  if (!statements.length) return { ok: false, issues: [{ line: null, problem: "camt", field: "BkToCstmrStmt/Stmt" }] };

  const entries: StatementEntry[] = [];
  const issues: StatementIssue[] = [];
  let total = 0;
  let outgoing = 0;
  for (const stmt of statements) {
    for (const ntryValue of list(asNode(stmt)?.Ntry)) {
      if (issues.length >= MAX_ISSUES) break;
      total += 1;
      if (total > STATEMENT_MAX_LINES) return { ok: false, issues: [{ line: null, problem: "tooMany" }] };
      const ntry = asNode(ntryValue) ?? {};
      const rank = total;
      const status = text(path(ntry, "Sts", "Cd")) || text(ntry.Sts);
      if (status && status.toUpperCase() !== "BOOK") continue;
      const amt = ntry.Amt;
      const currency = readCurrency(String(asNode(amt)?.["@Ccy"] ?? ""), opts.siteCurrency);
      if (!currency || !asNode(amt)?.["@Ccy"]) {
        issues.push({ line: rank, problem: "currency", field: "Amt/@Ccy" });
        continue;
      }
      const amount = readAmount(text(amt), ".", currency);
      if (!amount.ok) {
        issues.push({ line: rank, problem: amount.problem, field: "Amt" });
        continue;
      }
      const indicator = text(ntry.CdtDbtInd).toUpperCase();
      if (indicator !== "CRDT" && indicator !== "DBIT") {
        issues.push({ line: rank, problem: "camt", field: "CdtDbtInd" });
        continue;
      }
      const dateText = text(path(ntry, "BookgDt", "Dt")) || text(path(ntry, "BookgDt", "DtTm")).slice(0, 10) || text(path(ntry, "ValDt", "Dt"));
      const day = checkDay(dateText, opts.latestOn);
      if (!day.ok) {
        issues.push({ line: rank, problem: day.problem, field: "BookgDt" });
        continue;
      }
      const reversal = text(ntry.RvslInd).toLowerCase() === "true";
      if ((indicator === "CRDT") === reversal) {
        outgoing += 1;
        continue;
      }
      if (amount.minor === 0) continue;

      const txs = list(ntry.NtryDtls).flatMap((d) => list(asNode(d)?.TxDtls));
      const remittance = txs.flatMap((tx) => [
        ...list(path(tx, "RmtInf", "Ustrd")).map(text),
        ...list(path(tx, "RmtInf", "Strd")).map((s) => text(path(s, "CdtrRefInf", "Ref"))),
      ]);
      const payerName = txs.map((tx) => text(path(tx, "RltdPties", "Dbtr", "Nm")) || text(path(tx, "RltdPties", "Dbtr", "Pty", "Nm"))).find(Boolean) ?? "";
      const labelText = [...remittance, ...list(ntry.AddtlNtryInf).map(text)].filter(Boolean).join(" ");
      const label = readText(labelText, 500);
      const payer = readText(payerName, 200);
      const txRef = txs.map((tx) => notProvided(text(path(tx, "Refs", "AcctSvcrRef"))) || notProvided(text(path(tx, "Refs", "TxId"))) || notProvided(text(path(tx, "Refs", "EndToEndId")))).find(Boolean);
      const tx = readTransactionId(notProvided(text(ntry.AcctSvcrRef)) || notProvided(text(ntry.NtryRef)) || txRef || "");
      if (!label.ok || !payer.ok) {
        issues.push({ line: rank, problem: "control", field: "RmtInf" });
        continue;
      }
      if (!tx.ok) {
        issues.push({ line: rank, problem: tx.problem, field: "AcctSvcrRef" });
        continue;
      }
      entries.push({ line: rank, bookedOn: day.on, amountMinor: amount.minor, currency, label: label.value, payer: payer.value || null, transactionId: tx.value });
    }
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, entries, total, outgoing };
}
