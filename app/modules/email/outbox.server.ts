import type { Kysely, Selectable, Updateable } from "kysely";
import nodemailer from "nodemailer";
import type { Locale } from "~/i18n";
import { getDb } from "#db/client.server";
import { env } from "#db/env.server";
import type { Database, EmailOutboxTable } from "#db/schema";
import type { Executor } from "#db/types";
import { renderEmail, type EmailMessage } from "#emails/index";
import { isUuid } from "~/utils/ids";
import { startLoop } from "~/utils/loop.server";

/**
 * The durable e-mail queue (transactional outbox).
 *
 * Use-cases call `enqueueEmail(trx, …)` inside their own transaction, so a message exists if and
 * only if the change that caused it commits. A worker (`startOutboxWorker`) later delivers due
 * rows over SMTP, retrying with exponential back-off while the mail server is unreachable.
 *
 * Claiming is safe with several worker processes on PostgreSQL: one short UPDATE over a
 * SELECT … FOR UPDATE SKIP LOCKED pushes the claimed rows' `next_attempt_at` forward by a lease,
 * so no transaction stays open during the SMTP conversation and other workers skip those rows
 * until the lease ends.
 */

export type OutboxRow = Selectable<EmailOutboxTable>;

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Stored documents attached to the message (an invoice's PDF), read at send time. */
  attachments?: { filename: string; contentType: string; content: Buffer }[];
}

export type SendMail = (mail: OutgoingMail) => Promise<void>;

/** After this many failed attempts a message is given up (`failed`). */
export const MAX_ATTEMPTS = 8;
const BASE_BACKOFF_MS = 60_000;
const MAX_BACKOFF_MS = 6 * 60 * 60_000;
/** How long a claimed batch belongs to one worker before others may take it again. */
const LEASE_MS = 5 * 60_000;
/** Stop working through a batch this long before its lease ends (the rest is reclaimed later). */
const LEASE_MARGIN_MS = 90_000;
const DEFAULT_BATCH = 20;

/** Wait before attempt n+1 after n failed attempts: 1 min, 2, 4, … capped at 6 h. */
export function backoffMs(failedAttempts: number): number {
  return Math.min(BASE_BACKOFF_MS * 2 ** Math.max(0, failedAttempts - 1), MAX_BACKOFF_MS);
}

/**
 * Messages whose link is a secret: whoever holds it can verify an address, reset a password or join
 * an organisation. The secret is the template's `url` prop.
 */
const SECRET_LINK_TEMPLATES = new Set<EmailMessage["template"]>(["verify_email", "password_reset", "invitation"]);

/** What a redacted token reads as in the outbox pages. */
export const REDACTED = "REDACTED";

/**
 * The same link with its secret removed: the `token` query parameter, or else the last path
 * segment (`/invite/<token>`), becomes `REDACTED`.
 */
export function redactLink(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.searchParams.has("token")) parsed.searchParams.set("token", REDACTED);
    else parsed.pathname = parsed.pathname.replace(/[^/]+\/?$/, REDACTED);
    return parsed.toString();
  } catch {
    return REDACTED;
  }
}

/**
 * Secret links stay readable in the stored copy only in development, where the outbox stands in
 * for a mail server; in production the pages never show them.
 */
export function outboxShowsSecrets() {
  return env().NODE_ENV !== "production";
}

/** A safety net for rows stored before redaction existed: hide anything shaped like a link token. */
export function redactTokens(body: string): string {
  return body
    .replace(/([?&](?:amp;)?token=)[A-Za-z0-9_-]{16,}/g, `$1${REDACTED}`)
    .replace(/(\/invite\/)[A-Za-z0-9_-]{16,}/g, `$1${REDACTED}`);
}

/**
 * Render a message and queue it. Call it with the caller's transaction. Returns the outbox id.
 *
 * For a message carrying a secret link, in production, `html`/`text` (what the outbox pages show)
 * are rendered with the link redacted, and the real bodies go to `secret_html`/`secret_text`, which
 * only the SMTP worker reads and which are cleared once the message is sent.
 */
export async function enqueueEmail(
  db: Executor,
  input: { to: string; locale: Locale; message: EmailMessage; attachmentDocumentId?: string | null },
): Promise<string> {
  const to = input.to.trim();
  if (!to || /[\r\n]/.test(to)) throw new Error("enqueueEmail: invalid recipient address");
  const real = await renderEmail(input.locale, input.message);
  let shown = real;
  let secret: { secret_html: string; secret_text: string } | undefined;
  if (SECRET_LINK_TEMPLATES.has(input.message.template) && !outboxShowsSecrets()) {
    const url = (input.message.props as { url: string }).url;
    shown = await renderEmail(input.locale, { ...input.message, props: { ...input.message.props, url: redactLink(url) } } as EmailMessage);
    if (shown.html.includes(url) || shown.text.includes(url)) throw new Error("enqueueEmail: a secret link survived redaction");
    secret = { secret_html: real.html, secret_text: real.text };
  }
  const row = await db
    .insertInto("email_outbox")
    .values({
      template: input.message.template,
      locale: input.locale,
      to_address: to,
      subject: real.subject,
      html: shown.html,
      text: shown.text,
      attachment_document_id: input.attachmentDocumentId ?? null,
      ...secret,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
}

/**
 * Deliver the messages that are due. Never throws for a delivery error: the row records it
 * (`attempts`, `last_error`, `next_attempt_at`) and is retried later, or marked `failed` after
 * `MAX_ATTEMPTS`. Do not call it inside a transaction.
 */
export async function deliverDueEmails(
  db: Kysely<Database>,
  send: SendMail,
  opts: { now?: Date; limit?: number; from?: string } = {},
): Promise<DeliveryReport> {
  const started = Date.now();
  const clock = () => opts.now ?? new Date();
  const now = clock();
  const leaseUntil = new Date(now.getTime() + LEASE_MS);
  const from = opts.from ?? env().MAIL_FROM;
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };

  // The due ids are picked once, in a MATERIALIZED CTE: written as `WHERE id IN (SELECT … LIMIT n
  // FOR UPDATE SKIP LOCKED)` PostgreSQL may plan a nested-loop semi-join that re-runs the subquery
  // for every row and ends up claiming the whole queue, ignoring the LIMIT.
  const claimed = await db
    .with(
      (cte) => cte("due").materialized(),
      (qb) =>
        qb
          .selectFrom("email_outbox")
          .select("id")
          .where("status", "=", "pending")
          .where("next_attempt_at", "<=", now)
          .orderBy("next_attempt_at")
          .orderBy("created_at")
          .limit(opts.limit ?? DEFAULT_BATCH)
          .forUpdate()
          .skipLocked(),
    )
    .updateTable("email_outbox")
    .from("due")
    .set({ next_attempt_at: leaseUntil })
    .whereRef("email_outbox.id", "=", "due.id")
    .where("email_outbox.status", "=", "pending")
    .returningAll("email_outbox")
    .execute();
  claimed.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());

  // Only touch a row while our lease still holds: if another worker reclaimed it after the
  // lease ran out, its next_attempt_at no longer equals ours and the update changes nothing.
  const updateOurs = (id: string, values: Updateable<EmailOutboxTable>) =>
    db
      .updateTable("email_outbox")
      .set(values)
      .where("id", "=", id)
      .where("status", "=", "pending")
      .where("next_attempt_at", "=", leaseUntil)
      .executeTakeFirst();

  for (const row of claimed) {
    if (Date.now() - started > LEASE_MS - LEASE_MARGIN_MS) break; // left for the next claim
    try {
      const attachments = row.attachment_document_id ? await attachmentsOf(db, row.attachment_document_id) : undefined;
      await send({ from, to: row.to_address, subject: row.subject, html: row.secret_html ?? row.html, text: row.secret_text ?? row.text, attachments });
    } catch (error) {
      const attempts = row.attempts + 1;
      const giveUp = attempts >= MAX_ATTEMPTS;
      await updateOurs(row.id, {
        attempts,
        last_error: describeError(error),
        status: giveUp ? "failed" : "pending",
        next_attempt_at: giveUp ? clock() : new Date(clock().getTime() + backoffMs(attempts)),
      });
      if (giveUp) report.failed++;
      else report.retried++;
      continue;
    }
    const result = await updateOurs(row.id, {
      status: "sent",
      sent_at: clock(),
      attempts: row.attempts + 1,
      last_error: null,
      // The live link has left with the message: it is not kept at rest any longer.
      secret_html: null,
      secret_text: null,
    });
    if (result.numUpdatedRows === 0n) {
      console.warn(`[outbox] message ${row.id} was sent after its lease ended; it may be sent twice`);
    }
    report.sent++;
  }
  return report;
}

/** The stored document a message carries (the row is never changed once stored: read it when sending). */
async function attachmentsOf(db: Executor, documentId: string) {
  const doc = await db.selectFrom("documents").select(["filename", "content_type", "content"]).where("id", "=", documentId).executeTakeFirstOrThrow();
  return [{ filename: doc.filename, contentType: doc.content_type, content: Buffer.from(doc.content) }];
}

function describeError(error: unknown): string {
  const message =
    error instanceof Error ? `${error.name}: ${error.message}` : typeof error === "string" ? error : JSON.stringify(error);
  return (message || "unknown error").slice(0, 2000);
}

/** A `send` function over SMTP (smtp:// or smtps:// URL, credentials in the URL). */
export function smtpSender(smtpUrl: string, from: string): SendMail {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    // Bounded so one unresponsive server cannot outlast the claim lease.
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 60_000,
  });
  return async (mail) => {
    await transport.sendMail({
      from: mail.from || from,
      to: mail.to,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      attachments: mail.attachments,
    });
  };
}

/**
 * Poll the outbox every `intervalMs` (runs never overlap; a full batch is followed at once by the
 * next one). Errors are logged, never thrown. Returns `stop`, which resolves once the run in
 * progress, if any, has finished.
 */
export function startOutboxWorker(opts: {
  intervalMs: number;
  send: SendMail;
  limit?: number;
  from?: string;
  /** The database to poll (default the process's own, `getDb()`; tests run two "processes" with two pools). */
  db?: Kysely<Database>;
}): () => Promise<void> {
  const limit = opts.limit ?? DEFAULT_BATCH;
  return startLoop("outbox", opts.intervalMs, async (stopped) => {
    const db = opts.db ?? (await getDb());
    while (!stopped()) {
      const report = await deliverDueEmails(db, opts.send, { limit, from: opts.from });
      if (report.sent || report.failed) {
        console.info(`[outbox] sent ${report.sent}, retrying ${report.retried}, failed ${report.failed}`);
      }
      if (report.sent + report.retried + report.failed < limit) break;
    }
  });
}

export interface OutboxListItem {
  id: string;
  template: string;
  locale: Locale;
  to_address: string;
  subject: string;
  status: "pending" | "sent" | "failed";
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

/** The operator's view of the queue, newest first. */
export async function listOutbox(
  db: Executor,
  input: { page: number; pageSize: number },
): Promise<{ items: OutboxListItem[]; total: number; page: number; pageSize: number }> {
  const pageSize = Math.min(Math.max(1, Math.floor(input.pageSize) || 1), 200);
  const page = Math.max(1, Math.floor(input.page) || 1);
  const items = await db
    .selectFrom("email_outbox")
    .select([
      "id",
      "template",
      "locale",
      "to_address",
      "subject",
      "status",
      "attempts",
      "next_attempt_at",
      "last_error",
      "created_at",
      "sent_at",
    ])
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  const count = await db
    .selectFrom("email_outbox")
    .select((eb) => eb.fn.countAll<number | string>().as("total"))
    .executeTakeFirstOrThrow();
  return { items, total: Number(count.total), page, pageSize };
}

export type OutboxMessage = Omit<OutboxRow, "secret_html" | "secret_text">;

/**
 * One message as the outbox pages show it, body included; `undefined` for an unknown or malformed
 * id. Never the SMTP bodies (`secret_*`); in production any link token left in an older row is
 * hidden too.
 */
export async function getOutboxMessage(db: Executor, id: string): Promise<OutboxMessage | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db
    .selectFrom("email_outbox")
    .select(["id", "template", "locale", "to_address", "subject", "html", "text", "status", "attempts", "next_attempt_at", "last_error", "created_at", "sent_at", "attachment_document_id"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row || outboxShowsSecrets()) return row;
  return { ...row, html: redactTokens(row.html), text: redactTokens(row.text) };
}

/** The distinct http(s) URLs in a text, in order of appearance (for clickable links). */
export function extractLinks(text: string): string[] {
  const found = text.match(/https?:\/\/[^\s<>"'`()[\]{}]+/gi) ?? [];
  const links = found.map((url) => url.replace(/[.,;:!?»”’]+$/u, ""));
  return [...new Set(links.filter((url) => URL.canParse(url)))];
}
