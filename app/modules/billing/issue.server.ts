import { randomInt } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { Database } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { billingAddresses, linkBase } from "~/modules/email/recipients.server";
import { registerJobHandler } from "~/modules/jobs/jobs.server";
import { applyCredit } from "~/modules/payments/payments.server";
import { isUniqueViolation, withSavepoint } from "~/utils/db.server";
import { usageAnnexCsv } from "./annex.server";
import { lastDayOf } from "./compute";
import { renderDocument, storeDocument } from "./documents.server";
import { getInvoice } from "./invoices.server";
import { getIssuer } from "./issuers.server";
import { nextNumber } from "./numbering.server";
import { rateForIssue } from "./rates.server";

/**
 * Issuing invoices (ADR 012).
 *
 * 1. One short transaction decides: the draft row is locked, checked (lines, issuer, month over,
 *    a USD→CDF rate of the last 7 days for a KIN domestic customer), and issued by one UPDATE
 *    setting the gapless number (the counter row is taken last and held only until commit), the
 *    issue date (the site's today), the due date (+ the organisation's payment terms), a payment
 *    reference unique to it and the frozen rate. An audit entry records it.
 * 2. A second transaction renders the PDF and the usage annex, stores both (SHA-256 computed by
 *    the database), sets them on the invoice (allowed once) and queues the "invoice issued" e-mail
 *    with the PDF attached. Rendering outside the numbering transaction keeps issuers from waiting
 *    on one another; if the process stops in between, `completeIssuedDocuments` (called after every
 *    issue, by the CLI and on first download) finishes the job exactly once.
 */

export type IssueErrorCode = "not_found" | "not_draft" | "empty" | "no_issuer" | "period_open" | "no_rate";

export class IssueError extends Error {
  constructor(readonly code: IssueErrorCode) {
    super(`invoice not issued: ${code}`);
    this.name = "IssueError";
  }
}

export const BILLING_ISSUE_KIND = "billing.issue";
export const billingIssueKey = (siteCode: string, period: string) => `${BILLING_ISSUE_KIND}:${siteCode}:${period}`;

/** Crockford-style alphabet without I, L, O, U: easy to read out and type on a phone. */
const REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** `LDC-7K3Q9X`: the site and six random characters (≈ 10⁹ values; a collision is retried). */
export function newPaymentReference(siteCode: string): string {
  let code = "";
  for (let i = 0; i < 6; i++) code += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return `${siteCode}-${code}`;
}

/** A KIN invoice to a customer in the DRC shows its amounts in CDF too (the rate of the issue date). */
const needsCdf = (site: { currency: string; country: string }, org: { country: string }) => site.currency === "USD" && site.country === "CD" && org.country === "CD";

/**
 * Step one of issuing, in the caller's transaction: number, dates, reference, audit, and the
 * organisation's credit applied (ADR 014). The documents and the e-mail are step two
 * (`attachInvoiceDocuments`, or `completeIssuedDocuments` after a crash).
 */
export async function issueInTransaction(trx: Trx, input: { invoiceId: string; actor: Actor | null; today?: string }) {
  const inv = await trx
    .selectFrom("invoices as i")
    .innerJoin("sites as s", "s.id", "i.site_id")
    .innerJoin("organisations as o", "o.id", "i.org_id")
    .select(["i.id", "i.status", "i.period", "i.org_id", "i.site_id", "i.currency", "i.total_minor", "s.code", "s.currency", "s.country", "o.country as org_country", "o.payment_terms_days"])
    .select(sql<string>`site_today(i.site_id)::text`.as("site_today"))
    .where("i.id", "=", input.invoiceId)
    .forUpdate("i")
    .executeTakeFirst();
  if (!inv) throw new IssueError("not_found");
  if (inv.status !== "draft") throw new IssueError("not_draft");
  const lines = await trx.selectFrom("invoice_lines").select((eb) => eb.fn.countAll<string>().as("n")).where("invoice_id", "=", inv.id).executeTakeFirstOrThrow();
  if (Number(lines.n) === 0) throw new IssueError("empty");
  if (!(await getIssuer(trx, inv.site_id))) throw new IssueError("no_issuer");
  const today = input.today ?? inv.site_today;
  if (today <= lastDayOf(inv.period)) throw new IssueError("period_open");
  let fx: { fx_currency: "CDF"; fx_rate: string; fx_rate_on: string } | null = null;
  if (needsCdf(inv, { country: inv.org_country })) {
    const rate = await rateForIssue(trx, { from: "USD", to: "CDF", on: today });
    if (!rate) throw new IssueError("no_rate");
    fx = { fx_currency: "CDF", fx_rate: rate.rate, fx_rate_on: rate.rateOn };
  }
  const { rows } = await sql<{ due: string }>`SELECT (${today}::date + ${inv.payment_terms_days}::int)::text AS due`.execute(trx);

  // Last: the counter row stays locked until this transaction ends.
  const number = await nextNumber(trx, { siteId: inv.site_id, siteCode: inv.code, series: "invoice", year: Number(today.slice(0, 4)) });
  for (let attempt = 0; ; attempt++) {
    const reference = newPaymentReference(inv.code);
    try {
      await withSavepoint(trx, () =>
        trx
          .updateTable("invoices")
          .set({
            status: "issued",
            number,
            issued_on: today,
            due_on: rows[0].due,
            payment_reference: reference,
            ...fx,
            issued_by: input.actor?.id ?? null,
            updated_at: new Date(),
          })
          .where("id", "=", inv.id)
          .execute(),
      );
      break;
    } catch (error) {
      if (attempt < 5 && isUniqueViolation(error, "invoices_payment_reference_key")) continue;
      throw error;
    }
  }
  await recordAudit(trx, {
    actor: input.actor,
    action: "billing.invoice_issued",
    entityType: "invoice",
    entityId: inv.id,
    orgId: inv.org_id,
    after: { number, issued_on: today, due_on: rows[0].due, total_minor: inv.total_minor, ...(fx ?? {}) },
  });
  await applyCredit(trx, { orgId: inv.org_id, currency: inv.currency, invoiceIds: [inv.id], actor: input.actor });
  return { id: inv.id, number };
}

/**
 * Renders and stores the PDF and the usage annex of an issued invoice that has none yet, and
 * queues its e-mail: once per invoice (the row is locked and re-checked).
 */
export async function attachInvoiceDocuments(db: Kysely<Database>, invoiceId: string): Promise<boolean> {
  // Render before locking: rendering takes a while and needs no lock (the invoice is immutable).
  const inv = await getInvoice(db, invoiceId);
  if (!inv || inv.status === "draft" || inv.document_id) return false;
  const [pdf, annex] = await Promise.all([renderDocument(db, inv), usageAnnexCsv(db, inv.id)]);
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("invoices").select(["document_id"]).where("id", "=", invoiceId).forUpdate().executeTakeFirstOrThrow();
    if (row.document_id) return false;
    const stored = await storeDocument(trx, { kind: "invoice_pdf", filename: `${inv.number}.pdf`, contentType: "application/pdf", content: pdf });
    const storedAnnex = await storeDocument(trx, {
      kind: "usage_annex_csv",
      filename: `${inv.number}-annex.csv`,
      contentType: "text/csv; charset=utf-8",
      content: Buffer.from(annex, "utf8"),
    });
    await trx.updateTable("invoices").set({ document_id: stored.id, pdf_sha256: stored.sha256, annex_document_id: storedAnnex.id }).where("id", "=", invoiceId).execute();
    await queueIssuedEmails(trx, inv, stored.id);
    return true;
  });
}

async function queueIssuedEmails(trx: Executor, inv: NonNullable<Awaited<ReturnType<typeof getInvoice>>>, documentId: string) {
  const org = await trx.selectFrom("organisations").select(["billing_email"]).where("id", "=", inv.org_id).executeTakeFirstOrThrow();
  const addresses = await billingAddresses(trx, inv.org_id, org.billing_email);
  for (const to of addresses) {
    await enqueueEmail(trx, {
      to,
      locale: inv.billing_language,
      attachmentDocumentId: documentId,
      message: {
        template: "invoice_issued",
        props: {
          orgName: inv.org_name,
          siteName: inv.site_name,
          number: inv.number!,
          period: inv.period,
          totalMinor: inv.total_minor,
          currency: inv.currency,
          dueOn: inv.due_on!,
          paymentReference: inv.payment_reference!,
          url: `${linkBase()}/app/invoices/${inv.id}`,
        },
      },
    });
  }
}

/** Issued invoices still without their PDF (a process stopped between the two steps): finish them. */
export async function completeIssuedDocuments(db: Kysely<Database>, filter: { siteId?: string } = {}): Promise<number> {
  let q = db.selectFrom("invoices").select("id").where("status", "!=", "draft").where("document_id", "is", null);
  if (filter.siteId) q = q.where("site_id", "=", filter.siteId);
  let done = 0;
  for (const { id } of await q.orderBy("number").execute()) if (await attachInvoiceDocuments(db, id)) done++;
  return done;
}

/** Issues one draft: its number, dates and reference, then its PDF, annex and e-mail. */
export async function issueInvoice(db: Kysely<Database>, input: { invoiceId: string; actor: Actor | null; today?: string }): Promise<{ id: string; number: string }> {
  const issued = await db.transaction().execute((trx) => issueInTransaction(trx, input));
  await attachInvoiceDocuments(db, issued.id);
  return issued;
}

export interface IssueAllResult {
  issued: { id: string; number: string }[];
  failed: { id: string; orgName: string; code: IssueErrorCode }[];
}

/**
 * Issues every draft of a site and month, in the order of the organisations' names, each in its own
 * transaction; a draft that cannot be issued (no rate, …) is reported and the others go on.
 */
export async function issueDrafts(
  db: Kysely<Database>,
  input: { siteCode: string; period: string; actor: Actor | null; today?: string; onProgress?: (done: number, total: number, label: string | null) => unknown },
): Promise<IssueAllResult> {
  const drafts = await db
    .selectFrom("invoices as i")
    .innerJoin("sites as s", "s.id", "i.site_id")
    .innerJoin("organisations as o", "o.id", "i.org_id")
    .select(["i.id", "o.name"])
    .where("s.code", "=", input.siteCode)
    .where("i.period", "=", input.period)
    .where("i.status", "=", "draft")
    .orderBy("o.name")
    .orderBy("i.id")
    .execute();
  const result: IssueAllResult = { issued: [], failed: [] };
  await input.onProgress?.(0, drafts.length, null);
  for (const [i, draft] of drafts.entries()) {
    try {
      result.issued.push(await issueInvoice(db, { invoiceId: draft.id, actor: input.actor, today: input.today }));
    } catch (error) {
      if (!(error instanceof IssueError)) throw error;
      result.failed.push({ id: draft.id, orgName: draft.name, code: error.code });
    }
    await input.onProgress?.(i + 1, drafts.length, draft.name);
  }
  return result;
}

registerJobHandler(BILLING_ISSUE_KIND, async ({ db, job, progress }) => {
  const payload = job.payload as { siteCode: string; period: string; actor: Actor | null };
  const kdb = db as Kysely<Database>;
  // A run stopped half-way: the invoices it issued get their documents first.
  await completeIssuedDocuments(kdb);
  return issueDrafts(kdb, { ...payload, onProgress: (done, total, label) => progress(done, total, label) });
});
