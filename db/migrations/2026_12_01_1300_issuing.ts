import { sql, type Kysely } from "kysely";

/**
 * Issuing invoices (issue 8; ADR 012):
 * - `invoices.annex_document_id`: the usage annex (CSV) frozen when the invoice is issued, so the
 *   evidence stays what was billed even when late samples arrive. Like the PDF, set once.
 * - `email_outbox.attachment_document_id`: a stored document sent as the message's attachment,
 *   read by the SMTP worker at send time (the queue carries a reference, never a copy).
 */
export async function up(db: Kysely<any>) {
  await sql`
    ALTER TABLE invoices ADD COLUMN annex_document_id uuid REFERENCES documents (id);
    ALTER TABLE email_outbox ADD COLUMN attachment_document_id uuid REFERENCES documents (id);

    -- The guard of 2026_12_01_1000, the annex now settable once like the PDF.
    CREATE OR REPLACE FUNCTION invoices_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      site_code text;
      credited bigint;
    BEGIN
      IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
          RAISE EXCEPTION 'invoice % is issued: it is never deleted (issue a credit note)', OLD.number
            USING HINT = 'invoice_immutable';
        END IF;
        RETURN OLD;
      END IF;

      IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' THEN
          RAISE EXCEPTION 'an invoice is created as a draft' USING HINT = 'invoice_not_draft';
        END IF;
        RETURN NEW;
      END IF;

      IF OLD.status = 'draft' THEN
        IF NEW.status IN ('paid', 'void') THEN
          RAISE EXCEPTION 'a draft is issued before it is % ', NEW.status USING HINT = 'invoice_status';
        END IF;
        IF NEW.status = 'issued' THEN
          SELECT code INTO site_code FROM sites WHERE id = NEW.site_id;
          IF NEW.number NOT LIKE site_code || '-' || to_char(NEW.issued_on, 'YYYY') || '-%' THEN
            RAISE EXCEPTION 'invoice number % does not match site % and issue year %', NEW.number, site_code, to_char(NEW.issued_on, 'YYYY')
              USING HINT = 'invoice_number';
          END IF;
        END IF;
        RETURN NEW;
      END IF;

      -- Issued, paid or void: everything but the status (and updated_at) is frozen;
      -- the documents (PDF and its hash, usage annex) may be set once.
      IF (to_jsonb(NEW) - 'status' - 'updated_at' - 'document_id' - 'pdf_sha256' - 'annex_document_id')
         IS DISTINCT FROM (to_jsonb(OLD) - 'status' - 'updated_at' - 'document_id' - 'pdf_sha256' - 'annex_document_id')
         OR (OLD.document_id IS NOT NULL AND NEW.document_id IS DISTINCT FROM OLD.document_id)
         OR (OLD.pdf_sha256 IS NOT NULL AND NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256)
         OR (OLD.annex_document_id IS NOT NULL AND NEW.annex_document_id IS DISTINCT FROM OLD.annex_document_id) THEN
        RAISE EXCEPTION 'invoice % is issued: it is never changed (issue a credit note)', OLD.number
          USING HINT = 'invoice_immutable';
      END IF;
      IF NEW.status <> OLD.status AND NOT (
           (OLD.status = 'issued' AND NEW.status IN ('paid', 'void'))
           OR (OLD.status = 'paid' AND NEW.status = 'issued')) THEN
        RAISE EXCEPTION 'invoice %: % → % is not allowed', OLD.number, OLD.status, NEW.status USING HINT = 'invoice_status';
      END IF;
      IF NEW.status = 'void' AND OLD.status <> 'void' THEN
        SELECT coalesce(sum(total_minor), 0) INTO credited FROM credit_notes WHERE invoice_id = NEW.id;
        IF credited <> NEW.total_minor THEN
          RAISE EXCEPTION 'invoice % is voided only by a full credit note', OLD.number USING HINT = 'invoice_not_credited';
        END IF;
      END IF;
      RETURN NEW;
    END $$;
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    ALTER TABLE email_outbox DROP COLUMN attachment_document_id;
    ALTER TABLE invoices DROP COLUMN annex_document_id;
  `.execute(db);
}
