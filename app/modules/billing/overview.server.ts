import { sql } from "kysely";
import { z } from "zod";
import type { Database, InvoiceStatus } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { enqueue, latestJobs, type Job } from "~/modules/jobs/jobs.server";
import { isUuid } from "~/utils/ids";
import { dayIn } from "~/utils/dates";
import { previousMonth } from "./compute";
import { BILLING_RUN_KIND, billingRunKey, parseBillingPeriod } from "./run.server";
import { BILLING_ISSUE_KIND, billingIssueKey, type IssueErrorCode } from "./issue.server";

/**
 * What the operator billing pages (/ops/billing) read and start: the sites with their default
 * month, the run and issue jobs of a site and month (their progress, for polling), the month's
 * billed totals, the invoice and credit-note lists, and the two draft actions (recompute, delete).
 * Invoices are read by id alone here: operators see every organisation.
 */

/** The overview's two buttons: run the month, or issue its drafts (zod stays on the server). */
export const StartForm = z.object({
  intent: z.enum(["run", "issue"], { error: "error.invalid" }),
  site: z.string({ error: "error.required" }).trim().regex(/^[A-Za-z]{3}$/, { error: "billingOps.error.site" }),
  period: z.string({ error: "error.required" }).trim().max(7, { error: "billingOps.error.period" }),
});

export const INVOICE_STATUSES = ["draft", "issued", "paid", "void"] as const satisfies readonly InvoiceStatus[];


export interface BillingSite {
  id: string;
  code: string;
  name: string;
  currency: string;
  timeZone: string;
  /** Last month in the site's calendar: the month a run usually bills. */
  defaultPeriod: string;
}

export async function billingSites(db: Executor, now = new Date()): Promise<BillingSite[]> {
  const rows = await db.selectFrom("sites").select(["id", "code", "name", "currency", "time_zone"]).orderBy("code").execute();
  return rows.map((s) => ({ id: s.id, code: s.code, name: s.name, currency: s.currency, timeZone: s.time_zone, defaultPeriod: previousMonth(dayIn(s.time_zone, now).slice(0, 7)) }));
}

/** A job as a page shows it (serialisable, nothing internal such as the lease). */
export interface JobView {
  id: string;
  status: Job["status"];
  done: number;
  total: number | null;
  label: string | null;
  attempts: number;
  maxAttempts: number;
  error: string | null;
  result: unknown;
  createdAt: string;
  finishedAt: string | null;
}

export const jobView = (job: Job | undefined): JobView | null =>
  job
    ? {
        id: job.id,
        status: job.status,
        done: job.progress_done,
        total: job.progress_total,
        label: job.progress_label,
        attempts: job.attempts,
        maxAttempts: job.max_attempts,
        error: job.error,
        result: job.result ?? null,
        createdAt: new Date(job.created_at).toISOString(),
        finishedAt: job.finished_at ? new Date(job.finished_at).toISOString() : null,
      }
    : null;


export async function billingJobs(db: Executor, siteCode: string, period: string) {
  const runKey = billingRunKey(siteCode, period);
  const issueKey = billingIssueKey(siteCode, period);
  const latest = await latestJobs(db, [runKey, issueKey]);
  return { run: jobView(latest.get(runKey)), issue: jobView(latest.get(issueKey)) };
}

/** Invoices of a site and month by status. */
export async function periodCounts(db: Executor, siteId: string, period: string): Promise<Record<InvoiceStatus, number>> {
  const rows = await db
    .selectFrom("invoices")
    .select(["status", (eb) => eb.fn.countAll<string>().as("n")])
    .where("site_id", "=", siteId)
    .where("period", "=", period)
    .groupBy("status")
    .execute();
  const out: Record<InvoiceStatus, number> = { draft: 0, issued: 0, paid: 0, void: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

/**
 * Starts (enqueues) the billing run of a site and month, audited as `billing.run_started`. A run
 * of that site and month already queued or running is returned instead (no second run, no entry).
 */
export async function startBillingRun(trx: Trx, input: { siteId: string; siteCode: string; period: string; actor: Actor; reason?: { invoiceId: string; orgId: string } }) {
  const { job, created } = await enqueue(trx, { kind: BILLING_RUN_KIND, key: billingRunKey(input.siteCode, input.period), payload: { siteCode: input.siteCode, period: input.period } });
  if (input.reason) {
    // A draft's "Recompute": the site's month is run again (a run is per site and month), recorded against the draft.
    await recordAudit(trx, {
      actor: input.actor,
      action: "billing.draft_recomputed",
      entityType: "invoice",
      entityId: input.reason.invoiceId,
      orgId: input.reason.orgId,
      after: { site: input.siteCode, period: input.period, job: job.id, already_running: !created },
    });
  } else if (created) {
    await recordAudit(trx, { actor: input.actor, action: "billing.run_started", entityType: "site", entityId: input.siteId, after: { site: input.siteCode, period: input.period, job: job.id } });
  }
  return { job, created };
}

/** Enqueues "issue every draft" of a site and month (each issue is audited by issueInvoice). */
export async function startIssueAll(trx: Trx, input: { siteCode: string; period: string; actor: Actor }) {
  return enqueue(trx, { kind: BILLING_ISSUE_KIND, key: billingIssueKey(input.siteCode, input.period), payload: { siteCode: input.siteCode, period: input.period, actor: input.actor } });
}

export type DeleteDraftResult = { ok: true; siteCode: string; period: string } | { ok: false; error: "not_found" | "not_draft" };

/** Deletes a draft invoice (and its lines), audited. Anything but a draft is refused (so does the database). */
export async function deleteDraft(trx: Trx, input: { invoiceId: string; actor: Actor }): Promise<DeleteDraftResult> {
  if (!isUuid(input.invoiceId)) return { ok: false, error: "not_found" };
  const inv = await trx
    .selectFrom("invoices as i")
    .innerJoin("sites as s", "s.id", "i.site_id")
    .select(["i.id", "i.status", "i.org_id", "i.period", "i.total_minor", "s.code"])
    .where("i.id", "=", input.invoiceId)
    .forUpdate("i")
    .executeTakeFirst();
  if (!inv) return { ok: false, error: "not_found" };
  if (inv.status !== "draft") return { ok: false, error: "not_draft" };
  await trx.deleteFrom("invoices").where("id", "=", inv.id).where("status", "=", "draft").execute();
  await recordAudit(trx, {
    actor: input.actor,
    action: "billing.draft_deleted",
    entityType: "invoice",
    entityId: inv.id,
    orgId: inv.org_id,
    before: { site: inv.code, period: inv.period, total_minor: inv.total_minor },
  });
  return { ok: true, siteCode: inv.code, period: inv.period };
}

// ---------------------------------------------------------------------------------------------
// The month's billed totals

export interface BilledTotal {
  siteCode: string;
  siteName: string;
  currency: string;
  invoices: number;
  /** recurring + setup lines */
  recurringMinor: number;
  /** energy + bandwidth overage lines */
  usageMinor: number;
  /** one-off charges + early termination */
  otherMinor: number;
  subtotalMinor: number;
  vatMinor: number;
  totalMinor: number;
}

/**
 * Per site and currency, the invoices of `period` that were issued (issued, paid, or void — a
 * voided invoice was billed and then credited; credit notes are listed apart): revenue by kind of
 * line, VAT and total including VAT. Drafts are not billed yet and are left out.
 */
export async function billedTotals(db: Executor, period: string): Promise<BilledTotal[]> {
  // One statement: each invoice's lines summed by kind beside it (LATERAL), then both per site and currency.
  const byKind = (kinds: string[]) => sql<string>`coalesce(sum(l.amount_minor) filter (where l.kind in (${sql.join(kinds)})), 0)`;
  const rows = await db
    .selectFrom("invoices as i")
    .innerJoin("sites as s", "s.id", "i.site_id")
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom("invoice_lines as l")
          .whereRef("l.invoice_id", "=", "i.id")
          .select([byKind(["recurring", "setup"]).as("recurring"), byKind(["energy", "bandwidth_overage"]).as("usage"), byKind(["one_off", "early_termination"]).as("other")])
          .as("k"),
      (join) => join.onTrue(),
    )
    .select(["s.code", "s.name", "i.currency"])
    .select([
      sql<string>`count(*)::text`.as("n"),
      sql<string>`sum(i.subtotal_minor)::text`.as("subtotal"),
      sql<string>`sum(i.vat_minor)::text`.as("vat"),
      sql<string>`sum(i.total_minor)::text`.as("total"),
      sql<string>`sum(k.recurring)::text`.as("recurring"),
      sql<string>`sum(k.usage)::text`.as("usage"),
      sql<string>`sum(k.other)::text`.as("other"),
    ])
    .where("i.period", "=", period)
    .where("i.status", "!=", "draft")
    .groupBy(["s.code", "s.name", "i.currency"])
    .orderBy("s.code")
    .orderBy("i.currency")
    .execute();
  return rows.map((h) => ({
    siteCode: h.code,
    siteName: h.name,
    currency: h.currency,
    invoices: Number(h.n),
    recurringMinor: Number(h.recurring),
    usageMinor: Number(h.usage),
    otherMinor: Number(h.other),
    subtotalMinor: Number(h.subtotal),
    vatMinor: Number(h.vat),
    totalMinor: Number(h.total),
  }));
}

// ---------------------------------------------------------------------------------------------
// Lists

export const INVOICE_LIST_LIMIT = 500;

export interface InvoiceRow {
  id: string;
  number: string | null;
  status: InvoiceStatus;
  orgId: string;
  orgName: string;
  siteCode: string;
  period: string;
  currency: string;
  subtotalMinor: number;
  vatMinor: number;
  totalMinor: number;
  flags: string[];
  issuedOn: string | null;
  dueOn: string | null;
  creditedMinor: number;
  balanceMinor: number;
  /** The total of the same organisation's invoice at the same site the month before, if any. */
  previousTotalMinor: number | null;
}

/** Invoices by site, month and status (each optional), tenant name order; at most INVOICE_LIST_LIMIT + 1 rows read. */
export async function listInvoices(db: Executor, filter: { siteId?: string; period?: string; status?: InvoiceStatus }): Promise<{ rows: InvoiceRow[]; truncated: boolean }> {
  let q = db
    .selectFrom("invoices as i")
    .innerJoin("sites as s", "s.id", "i.site_id")
    .innerJoin("organisations as o", "o.id", "i.org_id")
    .leftJoin("invoices as p", (join) =>
      join
        .onRef("p.org_id", "=", "i.org_id")
        .onRef("p.site_id", "=", "i.site_id")
        .on("p.period", "=", sql<string>`to_char(to_date(i.period || '-01', 'YYYY-MM-DD') - interval '1 month', 'YYYY-MM')`),
    )
    .select(["i.id", "i.number", "i.status", "i.org_id", "o.name as org_name", "s.code as site_code", "i.period", "i.currency"])
    .select(["i.subtotal_minor", "i.vat_minor", "i.total_minor", "i.flags", "i.issued_on", "i.due_on", "p.total_minor as previous_total"])
    .select(sql<string>`(select coalesce(sum(cn.total_minor), 0) from credit_notes cn where cn.invoice_id = i.id)::text`.as("credited"))
    .select(sql<string>`invoice_balance_minor(i.id)::text`.as("balance"));
  if (filter.siteId) q = q.where("i.site_id", "=", filter.siteId);
  if (filter.period) q = q.where("i.period", "=", filter.period);
  if (filter.status) q = q.where("i.status", "=", filter.status);
  const rows = await q.orderBy("i.period", "desc").orderBy("s.code").orderBy("o.name").orderBy("i.id").limit(INVOICE_LIST_LIMIT + 1).execute();
  return {
    truncated: rows.length > INVOICE_LIST_LIMIT,
    rows: rows.slice(0, INVOICE_LIST_LIMIT).map((r) => {
      const credited = Number(r.credited);
      return {
        id: r.id,
        number: r.number,
        status: r.status,
        orgId: r.org_id,
        orgName: r.org_name,
        siteCode: r.site_code,
        period: r.period,
        currency: r.currency,
        subtotalMinor: r.subtotal_minor,
        vatMinor: r.vat_minor,
        totalMinor: r.total_minor,
        flags: r.flags ?? [],
        issuedOn: r.issued_on,
        dueOn: r.due_on,
        creditedMinor: credited,
        balanceMinor: Number(r.balance),
        previousTotalMinor: r.previous_total ?? null,
      };
    }),
  };
}

/**
 * The change against the previous month: amount and per mille (integer arithmetic; a
 * percentage with one decimal is `perMille / 10`). No previous invoice or a zero total: no ratio.
 */
export function changeAgainst(totalMinor: number, previousMinor: number | null): { amountMinor: number; perMille: number | null } | null {
  if (previousMinor === null) return null;
  const amountMinor = totalMinor - previousMinor;
  if (previousMinor === 0) return { amountMinor, perMille: null };
  // round half away from zero of amount × 1000 / previous, in BigInt
  const n = BigInt(amountMinor) * 1000n;
  const d = BigInt(previousMinor);
  const abs = n < 0n ? -n : n;
  const q = (abs * 2n + d) / (d * 2n);
  return { amountMinor, perMille: Number(n < 0n ? -q : q) };
}

export interface CreditNoteRow {
  id: string;
  number: string;
  invoiceId: string;
  invoiceNumber: string | null;
  orgName: string;
  siteCode: string;
  currency: string;
  totalMinor: number;
  issuedOn: string;
  reason: string;
  hasPdf: boolean;
}

/** Credit notes, newest first, optionally of one site and of one month of issue (`YYYY-MM`). */
export async function listCreditNotes(db: Executor, filter: { siteId?: string; month?: string }): Promise<{ rows: CreditNoteRow[]; truncated: boolean }> {
  let q = db
    .selectFrom("credit_notes as cn")
    .innerJoin("invoices as i", "i.id", "cn.invoice_id")
    .innerJoin("organisations as o", "o.id", "cn.org_id")
    .innerJoin("sites as s", "s.id", "cn.site_id")
    .select(["cn.id", "cn.number", "cn.invoice_id", "i.number as invoice_number", "o.name as org_name", "s.code as site_code", "cn.currency", "cn.total_minor", "cn.issued_on", "cn.reason", "cn.document_id"]);
  if (filter.siteId) q = q.where("cn.site_id", "=", filter.siteId);
  if (filter.month) {
    const [y, m] = filter.month.split("-").map(Number);
    const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
    q = q.where("cn.issued_on", ">=", `${filter.month}-01`).where("cn.issued_on", "<", next);
  }
  const rows = await q.orderBy("cn.issued_on", "desc").orderBy("cn.number", "desc").limit(INVOICE_LIST_LIMIT + 1).execute();
  return {
    truncated: rows.length > INVOICE_LIST_LIMIT,
    rows: rows.slice(0, INVOICE_LIST_LIMIT).map((r) => ({
      id: r.id,
      number: r.number,
      invoiceId: r.invoice_id,
      invoiceNumber: r.invoice_number,
      orgName: r.org_name,
      siteCode: r.site_code,
      currency: r.currency,
      totalMinor: r.total_minor,
      issuedOn: r.issued_on,
      reason: r.reason,
      hasPdf: Boolean(r.document_id),
    })),
  };
}

/** A credit note's stored PDF id (and its number for the file name), or null. */
export async function creditNoteDocument(db: Executor, creditNoteId: string) {
  if (!isUuid(creditNoteId)) return null;
  return (await db.selectFrom("credit_notes").select(["id", "number", "document_id"]).where("id", "=", creditNoteId).executeTakeFirst()) ?? null;
}

// ---------------------------------------------------------------------------------------------
// Input helpers shared by the pages

/** `YYYY-MM` within the billing range, else null. */
export const periodParam = (value: string | null | undefined) => parseBillingPeriod(value ?? "");

/**
 * An amount typed in major units ("1234.56" USD, "150000" XOF) → integer minor units, from the
 * string's digits alone (no floating point). Null when it is not a plain non-negative decimal with
 * at most the currency's decimals, or is beyond the safe integer range.
 */
export function majorToMinor(value: string, decimals: number): number | null {
  const text = value.trim().replace(/[\u00a0\u202f ]/g, "");
  const m = decimals > 0 ? new RegExp(`^(\\d{1,16})(?:[.,](\\d{1,${decimals}}))?$`).exec(text) : /^(\d{1,16})$/.exec(text);
  if (!m) return null;
  const minor = BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt((m[2] ?? "").padEnd(decimals, "0") || "0");
  return minor <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(minor) : null;
}

export type IssueFailure = { id: string; orgName: string; code: IssueErrorCode };


/** A stored PDF as a download (numbers are `[A-Z0-9-]`, safe in the header as they are). */
export function pdfResponse(filename: string, content: Uint8Array): Response {
  const safe = filename.replace(/[^A-Za-z0-9._-]/g, "_");
  return new Response(new Uint8Array(content), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${safe}"`,
      "Content-Length": String(content.byteLength),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
