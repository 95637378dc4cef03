import { sql, type Kysely } from "kysely";

/**
 * Statements of account (issue 9): a statement's PDF is stored like an invoice's, so a reminder
 * e-mail can attach it (`email_outbox.attachment_document_id`). The `documents.kind` CHECK gains
 * `statement_pdf`; the other kinds are unchanged. Index for the ledger's per-organisation reads
 * of credit notes by date (payments and refunds have theirs already).
 */
export async function up(db: Kysely<any>) {
  await sql`
    ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
    ALTER TABLE documents ADD CONSTRAINT documents_kind_check
      CHECK (kind IN ('invoice_pdf', 'credit_note_pdf', 'usage_annex_csv', 'statement_pdf'));
    CREATE INDEX IF NOT EXISTS credit_notes_org_issued_idx ON credit_notes (org_id, issued_on);
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    DROP INDEX IF EXISTS credit_notes_org_issued_idx;
    ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
    ALTER TABLE documents ADD CONSTRAINT documents_kind_check
      CHECK (kind IN ('invoice_pdf', 'credit_note_pdf', 'usage_annex_csv'));
  `.execute(db);
}
