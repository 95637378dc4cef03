import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { StatementLineStatus, SuggestionReason } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { isUuid } from "~/utils/ids";
import { recordPayment, type PaymentError } from "./payments.server";
import { namesOrganisation, referenceCandidates } from "./statements/normalise";
import { parseStatement, type StatementEntry, type StatementIssue, type StatementLayout, type StatementCurrency } from "./statements";
import { sourceLayout } from "./statements/sources.server";

/**
 * The reconciliation inbox (issue 9; docs/reconciliation.md).
 *
 * Importing a statement stores its incoming lines once per site (key: the transaction id, or a
 * hash of date, amount, currency, label and rank among identical lines), then matches each new
 * line:
 * - **matched automatically** when its label (or payer) carries the payment reference of issued
 *   invoices of one organisation in the line's currency (spaces, case, punctuation and the dash do
 *   not matter) and the amount is at most their balance: a payment is recorded and allocated to
 *   them (`source: "statement"`, `externalId` = the line's key), nothing goes to credit here;
 * - **suggested** when the reference is found but the amount is larger than the balance, the
 *   invoice is already settled, the references belong to several organisations, or the transfer was
 *   already recorded by hand; or, without a reference, when the amount equals the balance of an
 *   open invoice of the site whose organisation's name is in the payer or the label;
 * - **unmatched** otherwise. Finance then confirms a suggestion, splits the line across invoices
 *   of one organisation (the rest is credit), assigns it to an organisation as credit, or marks it
 *   "not ours" with a reason. A line becomes one payment at most (`statement_lines.payment_id` and
 *   `payments.external_id` are unique).
 */

export type ImportError = "site_not_found" | "source_not_found" | "invalid";

export interface ImportFigures {
  importId: string;
  /** Movements read in the file (incoming, outgoing and zero). */
  lines: number;
  incoming: number;
  outgoing: number;
  new: number;
  duplicates: number;
  matched: number;
  suggested: number;
  unmatched: number;
}

export type ImportResult = ({ ok: true } & ImportFigures) | { ok: false; error: "site_not_found" | "source_not_found" } | { ok: false; error: "invalid"; issues: StatementIssue[] };

/** The line's key: `tx:<transaction id>`, or `h:` + SHA-256 of its fields and its rank among identical lines of the file. */
export function lineKey(entry: Pick<StatementEntry, "transactionId" | "bookedOn" | "amountMinor" | "currency" | "label">, rank: number): string {
  if (entry.transactionId) return `tx:${entry.transactionId}`;
  const hash = createHash("sha256").update([entry.bookedOn, entry.amountMinor, entry.currency, entry.label, rank].join("\u001f")).digest("hex");
  return `h:${hash}`;
}

/** The payment's outside id: one payment per statement line, across sites. */
export const externalIdOf = (siteCode: string, key: string) => `statement:${siteCode}:${key}`;

/** The reference a payment from a line carries: the bank's transaction id, else the label and a short key. */
function paymentReference(line: { transaction_id: string | null; label: string; line_key: string }) {
  if (line.transaction_id) return line.transaction_id;
  const label = line.label.trim() || "—";
  return `${label.slice(0, 160)} #${line.line_key.slice(2, 10)}`;
}

const addDay = (on: string, days: number) => new Date(Date.parse(`${on}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export async function importStatement(
  trx: Trx,
  input: { siteCode: string; sourceId?: string | null; plainFormat?: StatementLayout["format"]; bytes: Uint8Array; fileName: string; actor: Actor | null; via: "web" | "cli" },
): Promise<ImportResult> {
  const site = await trx
    .selectFrom("sites")
    .select(["id", "code", "currency"])
    .select(sql<string>`site_today(id)::text`.as("today"))
    .where("code", "=", input.siteCode)
    .executeTakeFirst();
  if (!site) return { ok: false, error: "site_not_found" };
  let layout: StatementLayout;
  let method: StatementLineMethod = "bank_transfer";
  let sourceId: string | null = null;
  if (input.sourceId) {
    if (!isUuid(input.sourceId)) return { ok: false, error: "source_not_found" };
    const source = await trx.selectFrom("statement_sources").selectAll().where("site_id", "=", site.id).where("id", "=", input.sourceId).executeTakeFirst();
    if (!source) return { ok: false, error: "source_not_found" };
    layout = sourceLayout(source);
    method = source.method;
    sourceId = source.id;
  } else {
    layout = input.plainFormat === "mt940" || input.plainFormat === "camt053" ? { format: input.plainFormat } : { format: "csv_plain" };
  }
  const parsed = parseStatement(input.bytes, layout, { siteCurrency: site.currency as StatementCurrency, latestOn: addDay(site.today, 1) });
  if (!parsed.ok) return { ok: false, error: "invalid", issues: parsed.issues };

  const imp = await trx
    .insertInto("statement_imports")
    .values({
      site_id: site.id,
      source_id: sourceId,
      format: layout.format,
      file_name: input.fileName.replace(/[\u0000-\u001f\u007f]/g, "").slice(0, 200),
      sha256: createHash("sha256").update(input.bytes).digest("hex"),
      byte_size: input.bytes.byteLength,
      lines_total: parsed.total,
      lines_outgoing: parsed.outgoing,
      lines_new: 0,
      matched: 0,
      suggested: 0,
      unmatched: 0,
      via: input.via,
      imported_by: input.actor?.id ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();

  // Identical lines without a transaction id are told apart by their rank in the file.
  const seen = new Map<string, number>();
  const rows = parsed.entries.map((e) => {
    const twin = [e.bookedOn, e.amountMinor, e.currency, e.label].join("\u001f");
    const rank = (seen.get(twin) ?? 0) + 1;
    seen.set(twin, rank);
    return {
      site_id: site.id,
      import_id: imp.id,
      source_id: sourceId,
      line_key: lineKey(e, e.transactionId ? 1 : rank),
      transaction_id: e.transactionId,
      booked_on: e.bookedOn,
      amount_minor: e.amountMinor,
      currency: e.currency,
      label: e.label,
      payer: e.payer,
      method,
      status: "unmatched" as const,
    };
  });
  const created: { id: string }[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    if (!chunk.length) continue;
    created.push(
      ...(await trx
        .insertInto("statement_lines")
        .values(chunk)
        .onConflict((oc) => oc.columns(["site_id", "line_key"]).doNothing())
        .returning("id")
        .execute()),
    );
  }

  const counts = { auto_matched: 0, suggested: 0, unmatched: 0 };
  for (const line of created) {
    const status = await matchLine(trx, line.id, input.actor);
    if (status === "auto_matched" || status === "suggested" || status === "unmatched") counts[status] += 1;
  }
  await trx
    .updateTable("statement_imports")
    .set({ lines_new: created.length, matched: counts.auto_matched, suggested: counts.suggested, unmatched: counts.unmatched })
    .where("id", "=", imp.id)
    .execute();
  const figures: ImportFigures = {
    importId: imp.id,
    lines: parsed.total,
    incoming: parsed.entries.length,
    outgoing: parsed.outgoing,
    new: created.length,
    duplicates: parsed.entries.length - created.length,
    matched: counts.auto_matched,
    suggested: counts.suggested,
    unmatched: counts.unmatched,
  };
  await recordAudit(trx, {
    actor: input.actor,
    action: "statement.imported",
    entityType: "site",
    entityId: site.id,
    after: { file: input.fileName.slice(0, 200), format: layout.format, source_id: sourceId, via: input.via, ...figures },
  });
  return { ok: true, ...figures };
}

type StatementLineMethod = "bank_transfer" | "mtn_momo" | "moov_flooz" | "orange_money" | "airtel_money" | "mpesa" | "cash" | "cheque";

interface ReferencedInvoice {
  id: string;
  org_id: string;
  currency: string;
  status: string;
  due_on: string | null;
  number: string | null;
  balance: number;
}

/** Issued or paid invoices whose compacted payment reference is one of `candidates`. */
async function invoicesByReference(db: Executor, candidates: string[]): Promise<ReferencedInvoice[]> {
  if (!candidates.length) return [];
  const rows = await db
    .selectFrom("invoices as i")
    .select(["i.id", "i.org_id", "i.currency", "i.status", "i.due_on", "i.number"])
    .select(sql<string>`invoice_balance_minor(i.id)`.as("balance"))
    .where(sql<string>`replace(i.payment_reference, '-', '')`, "in", candidates)
    .where("i.status", "in", ["issued", "paid"])
    .orderBy("i.due_on")
    .orderBy("i.number")
    .execute();
  return rows.map((r) => ({ ...r, balance: Number(r.balance) }));
}

async function setOutcome(
  trx: Trx,
  lineId: string,
  outcome: { status: "suggested" | "unmatched"; reason?: SuggestionReason; orgId?: string | null; invoiceIds?: string[] },
) {
  await trx
    .updateTable("statement_lines")
    .set({ status: outcome.status, suggestion_reason: outcome.status === "suggested" ? (outcome.reason ?? null) : null, suggested_org_id: outcome.orgId ?? null })
    .where("id", "=", lineId)
    .execute();
  const ids = [...new Set(outcome.invoiceIds ?? [])];
  if (ids.length) {
    await trx
      .insertInto("statement_line_suggestions")
      .values(ids.map((invoiceId) => ({ line_id: lineId, invoice_id: invoiceId })))
      .onConflict((oc) => oc.columns(["line_id", "invoice_id"]).doNothing())
      .execute();
  }
}

/** A line with its site's code, locked until the transaction ends. */
function lineForUpdate(trx: Trx, lineId: string) {
  return trx
    .selectFrom("statement_lines as l")
    .innerJoin("sites as s", "s.id", "l.site_id")
    .select(["l.id", "l.site_id", "l.line_key", "l.transaction_id", "l.booked_on", "l.amount_minor", "l.currency", "l.label", "l.payer", "l.method", "l.status", "s.code as site_code"])
    .where("l.id", "=", lineId)
    .forUpdate("l")
    .executeTakeFirst();
}

/** Matches one new line (see the module's comment); returns its status. */
export async function matchLine(trx: Trx, lineId: string, actor: Actor | null): Promise<StatementLineStatus> {
  const line = await lineForUpdate(trx, lineId);
  if (!line) throw new Error(`statement line ${lineId} not found`);
  if (line.status !== "unmatched") return line.status;
  const codes = (await trx.selectFrom("sites").select("code").execute()).map((s) => s.code);
  const text = `${line.label} ${line.payer ?? ""}`;
  const referenced = (await invoicesByReference(trx, referenceCandidates(text, codes))).filter((i) => i.currency === line.currency);

  if (referenced.length) {
    const orgs = new Set(referenced.map((i) => i.org_id));
    const ids = referenced.map((i) => i.id);
    if (orgs.size > 1) {
      await setOutcome(trx, line.id, { status: "suggested", reason: "several_organisations", invoiceIds: ids });
      return "suggested";
    }
    const orgId = referenced[0].org_id;
    const open = referenced.filter((i) => i.status === "issued" && i.balance > 0);
    const owed = open.reduce((s, i) => s + i.balance, 0);
    if (!open.length) {
      await setOutcome(trx, line.id, { status: "suggested", reason: "invoice_settled", orgId, invoiceIds: ids });
      return "suggested";
    }
    if (line.amount_minor > owed) {
      await setOutcome(trx, line.id, { status: "suggested", reason: "amount_exceeds_balance", orgId, invoiceIds: ids });
      return "suggested";
    }
    // Oldest due first among the invoices the label names; the amount fits their balance.
    let left = line.amount_minor;
    const allocations: { invoiceId: string; amountMinor: number }[] = [];
    for (const inv of open) {
      const take = Math.min(left, inv.balance);
      if (take > 0) allocations.push({ invoiceId: inv.id, amountMinor: take });
      left -= take;
    }
    const paid = await paymentFromLine(trx, line, { orgId, allocations, actor });
    if (paid.ok) {
      await trx.updateTable("statement_lines").set({ status: "auto_matched", payment_id: paid.paymentId, resolved_at: new Date() }).where("id", "=", line.id).execute();
      return "auto_matched";
    }
    const reason: SuggestionReason = paid.error === "duplicate_reference" || paid.error === "duplicate_external" ? "reference_recorded" : "amount_exceeds_balance";
    await setOutcome(trx, line.id, { status: "suggested", reason, orgId, invoiceIds: ids });
    return "suggested";
  }

  // No reference: an open invoice of the site with exactly this balance, whose organisation is named.
  const sameAmount = await trx
    .selectFrom("invoices as i")
    .innerJoin("organisations as o", "o.id", "i.org_id")
    .select(["i.id", "i.org_id", "o.name"])
    .where("i.site_id", "=", line.site_id)
    .where("i.currency", "=", line.currency)
    .where("i.status", "=", "issued")
    .where(sql<string>`invoice_balance_minor(i.id)`, "=", sql<string>`${line.amount_minor}::bigint`)
    .orderBy("i.due_on")
    .limit(50)
    .execute();
  const named = sameAmount.filter((i) => namesOrganisation(text, i.name));
  if (named.length) {
    const orgIds = new Set(named.map((i) => i.org_id));
    await setOutcome(trx, line.id, { status: "suggested", reason: "amount_and_name", orgId: orgIds.size === 1 ? named[0].org_id : null, invoiceIds: named.map((i) => i.id) });
    return "suggested";
  }
  return "unmatched";
}

type LineRow = { id: string; line_key: string; transaction_id: string | null; booked_on: string; amount_minor: number; currency: string; label: string; payer: string | null; method: StatementLineMethod; site_code: string };

function paymentFromLine(trx: Trx, line: LineRow, o: { orgId: string; allocations: { invoiceId: string; amountMinor: number }[]; actor: Actor | null }) {
  return recordPayment(trx, {
    orgId: o.orgId,
    currency: line.currency as StatementCurrency,
    amountMinor: line.amount_minor,
    method: line.method,
    reference: paymentReference(line),
    payer: line.payer,
    receivedOn: line.booked_on,
    allocations: o.allocations,
    source: "statement",
    externalId: externalIdOf(line.site_code, line.line_key),
    actor: o.actor,
  });
}

// ---------------------------------------------------------------------------------------------
// Finance's decisions on a line: each in the caller's transaction, the line locked first.

export type LineError =
  | "line_not_found"
  | "already_resolved"
  | "invoice_not_found"
  | "several_organisations"
  | "org_not_found"
  | "bad_reason"
  | "nothing_allocated"
  | PaymentError;

export type LineResult = { ok: true; paymentId: string | null } | { ok: false; error: LineError };

async function lockOpenLine(trx: Trx, lineId: string) {
  if (!isUuid(lineId)) return { ok: false as const, error: "line_not_found" as const };
  const line = await lineForUpdate(trx, lineId);
  if (!line) return { ok: false as const, error: "line_not_found" as const };
  if (line.status !== "suggested" && line.status !== "unmatched") return { ok: false as const, error: "already_resolved" as const };
  return { ok: true as const, line };
}

async function settle(trx: Trx, line: LineRow, o: { orgId: string; allocations: { invoiceId: string; amountMinor: number }[]; actor: Actor | null }, audit: { action: "statement.line_confirmed" | "statement.line_split" | "statement.line_assigned"; after: Record<string, unknown> }): Promise<LineResult> {
  const paid = await paymentFromLine(trx, line, o);
  if (!paid.ok) return { ok: false, error: paid.error };
  await trx
    .updateTable("statement_lines")
    .set({ status: "manual_matched", payment_id: paid.paymentId, resolved_by: o.actor?.id ?? null, resolved_at: new Date() })
    .where("id", "=", line.id)
    .execute();
  await recordAudit(trx, {
    actor: o.actor,
    // Spelled out: the audit labels' test reads the action names in each call.
    action: audit.action === "statement.line_confirmed" ? "statement.line_confirmed" : audit.action === "statement.line_split" ? "statement.line_split" : "statement.line_assigned",
    entityType: "statement_line",
    entityId: line.id,
    orgId: o.orgId,
    after: { ...audit.after, payment_id: paid.paymentId, amount_minor: line.amount_minor, currency: line.currency, credit_minor: paid.creditMinor },
  });
  return { ok: true, paymentId: paid.paymentId };
}

/** Confirms that the line pays this invoice: up to its balance, the rest to the organisation's credit. */
export async function confirmLine(trx: Trx, input: { lineId: string; invoiceId: string; actor: Actor | null }): Promise<LineResult> {
  const locked = await lockOpenLine(trx, input.lineId);
  if (!locked.ok) return locked;
  const { line } = locked;
  if (!isUuid(input.invoiceId)) return { ok: false, error: "invoice_not_found" };
  const inv = await trx
    .selectFrom("invoices")
    .select(["id", "org_id", "number"])
    .select(sql<string>`invoice_balance_minor(id)`.as("balance"))
    .where("id", "=", input.invoiceId)
    .where("currency", "=", line.currency as StatementCurrency)
    .where("status", "in", ["issued", "paid"])
    .executeTakeFirst();
  if (!inv) return { ok: false, error: "invoice_not_found" };
  const take = Math.min(line.amount_minor, Number(inv.balance));
  return settle(trx, line, { orgId: inv.org_id, allocations: take > 0 ? [{ invoiceId: inv.id, amountMinor: take }] : [], actor: input.actor }, {
    action: "statement.line_confirmed",
    after: { invoice: inv.number, allocated_minor: take },
  });
}

/** Splits the line across invoices of one organisation (by number); what is left becomes its credit. */
export async function splitLine(trx: Trx, input: { lineId: string; parts: { number: string; amountMinor: number }[]; actor: Actor | null }): Promise<LineResult> {
  const locked = await lockOpenLine(trx, input.lineId);
  if (!locked.ok) return locked;
  const { line } = locked;
  const parts = input.parts.filter((p) => p.amountMinor > 0);
  if (!parts.length) return { ok: false, error: "nothing_allocated" };
  const numbers = [...new Set(parts.map((p) => p.number.trim().toUpperCase()))];
  if (numbers.length !== parts.length) return { ok: false, error: "invoice_not_found" };
  const invoices = await trx
    .selectFrom("invoices")
    .select(["id", "org_id", "number"])
    .where("number", "in", numbers)
    .where("currency", "=", line.currency as StatementCurrency)
    .where("status", "=", "issued")
    .execute();
  if (invoices.length !== numbers.length) return { ok: false, error: "invoice_not_found" };
  if (new Set(invoices.map((i) => i.org_id)).size > 1) return { ok: false, error: "several_organisations" };
  const byNumber = new Map(invoices.map((i) => [i.number!, i.id]));
  const allocations = parts.map((p) => ({ invoiceId: byNumber.get(p.number.trim().toUpperCase())!, amountMinor: p.amountMinor }));
  if (allocations.reduce((s, a) => s + a.amountMinor, 0) > line.amount_minor) return { ok: false, error: "allocations_exceed_amount" };
  return settle(trx, line, { orgId: invoices[0].org_id, allocations, actor: input.actor }, {
    action: "statement.line_split",
    after: { allocated: parts.map((p) => ({ number: p.number.trim().toUpperCase(), amount_minor: p.amountMinor })) },
  });
}

/** Records the line as a payment of the organisation, all of it to its credit. */
export async function assignLine(trx: Trx, input: { lineId: string; orgId: string; actor: Actor | null }): Promise<LineResult> {
  const locked = await lockOpenLine(trx, input.lineId);
  if (!locked.ok) return locked;
  if (!isUuid(input.orgId)) return { ok: false, error: "org_not_found" };
  const org = await trx.selectFrom("organisations").select(["id", "name"]).where("id", "=", input.orgId).executeTakeFirst();
  if (!org) return { ok: false, error: "org_not_found" };
  return settle(trx, locked.line, { orgId: org.id, allocations: [], actor: input.actor }, { action: "statement.line_assigned", after: { organisation: org.name } });
}

/** Marks the line as money that is not a customer's payment (a transfer between own accounts, a refund…). */
export async function markNotOurs(trx: Trx, input: { lineId: string; reason: string; actor: Actor | null }): Promise<LineResult> {
  const reason = input.reason.trim();
  if (reason.length < 2 || reason.length > 1000 || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(reason)) return { ok: false, error: "bad_reason" };
  const locked = await lockOpenLine(trx, input.lineId);
  if (!locked.ok) return locked;
  await trx
    .updateTable("statement_lines")
    .set({ status: "not_ours", not_ours_reason: reason, suggestion_reason: null, resolved_by: input.actor?.id ?? null, resolved_at: new Date() })
    .where("id", "=", locked.line.id)
    .execute();
  await recordAudit(trx, {
    actor: input.actor,
    action: "statement.line_not_ours",
    entityType: "statement_line",
    entityId: locked.line.id,
    after: { reason, amount_minor: locked.line.amount_minor, currency: locked.line.currency, booked_on: locked.line.booked_on, label: locked.line.label },
  });
  return { ok: true, paymentId: null };
}
