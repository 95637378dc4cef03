import { sql, type Kysely } from "kysely";

/**
 * Invoicing foundations (issue 8; names of `billing.md`; ADR 012).
 *
 * - `site_issuers`: the legal entity each site bills as (one row per site).
 * - organisations gain `billing_language` (backfilled from the first owner's locale);
 *   `vat_exemption_certificates`: a tenant is VAT-exempt only on the days a certificate covers.
 * - `documents`: stored files (PDFs, annexes), never updated; `sha256` is computed by the database.
 * - `invoices`, `invoice_lines`, `credit_notes`, `credit_note_lines`.
 * - `document_counters`: gapless numbers per (site, series, year), a row locked by the issuing
 *   transaction; never a sequence (a rolled-back nextval leaves a gap).
 * - `exchange_rates`: e.g. USD→CDF per day, for KIN invoices (the rate is frozen on the invoice).
 *
 * What the database refuses (HINTs in parentheses, for the application to map):
 * - an invoice is born a draft (`invoice_not_draft`); once issued its number, amounts, dates,
 *   parties, period, currency, payment reference, verification key and document never change,
 *   and it is never deleted (`invoice_immutable`); its status moves only issued→paid|void and
 *   paid→issued (`invoice_status`), and to void only when credit notes cover its total
 *   (`invoice_not_credited`); the document and its hash are set once (NULL → value);
 * - an issued invoice's number is `<site code>-<year of issued_on>-NNNNNN` (`invoice_number`);
 * - lines are written only while their invoice is a draft (`invoice_immutable`); a line's contract
 *   is the invoice's organisation's, at the invoice's site (composite foreign key);
 * - at commit, an invoice's subtotal is the sum of its lines (`invoice_totals`, deferred), and
 *   total = subtotal + VAT (CHECK);
 * - a credit note is for an issued (or paid) invoice, never beyond what remains creditable
 *   (`credit_exceeds_invoice`), numbered `<site>-AV-<year>-NNNNNN`; it and its lines are never
 *   updated or deleted, and lines are added only by the transaction that created it
 *   (`credit_note_immutable`); at commit its subtotal is the sum of its lines (`credit_note_totals`).
 */
export async function up(db: Kysely<any>) {
  await sql`
    CREATE TABLE site_issuers (
      site_id uuid PRIMARY KEY REFERENCES sites (id),
      legal_name text NOT NULL CHECK (length(trim(legal_name)) BETWEEN 2 AND 200),
      address text NOT NULL CHECK (length(trim(address)) BETWEEN 2 AND 500),
      nif text NOT NULL CHECK (length(trim(nif)) BETWEEN 2 AND 50),
      rccm text NOT NULL CHECK (length(trim(rccm)) BETWEEN 2 AND 50),
      vat_number text CHECK (length(trim(vat_number)) BETWEEN 2 AND 50),
      bank_name text CHECK (length(trim(bank_name)) BETWEEN 2 AND 200),
      -- RIB or IBAN, as printed on the invoice.
      bank_account text CHECK (length(trim(bank_account)) BETWEEN 5 AND 60),
      swift text CHECK (swift ~ '^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$'),
      -- Mobile-money collection numbers, one per line ("MTN MoMo : +242 06 …").
      mobile_money text CHECK (length(mobile_money) <= 1000),
      footer_fr text CHECK (length(footer_fr) <= 1000),
      footer_en text CHECK (length(footer_en) <= 1000),
      updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    ALTER TABLE organisations
      ADD COLUMN billing_language text NOT NULL DEFAULT 'fr' CHECK (billing_language IN ('fr', 'en'));
    UPDATE organisations o
       SET billing_language = (
         SELECT u.locale FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.org_id = o.id AND m.role = 'owner'
          ORDER BY m.created_at, u.id LIMIT 1)
     WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = o.id AND m.role = 'owner');

    CREATE TABLE vat_exemption_certificates (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organisations (id),
      reference text NOT NULL CHECK (length(trim(reference)) BETWEEN 2 AND 100),
      valid_from date NOT NULL,
      valid_to date NOT NULL,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT vat_exemption_certificates_dates_check CHECK (valid_to >= valid_from),
      CONSTRAINT vat_exemption_certificates_org_reference_key UNIQUE (org_id, reference)
    );
    CREATE INDEX vat_exemption_certificates_org_idx ON vat_exemption_certificates (org_id, valid_to);

    -- Stored files. The hash and size are computed by the database from the bytes themselves.
    CREATE TABLE documents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('invoice_pdf', 'credit_note_pdf', 'usage_annex_csv')),
      content_type text NOT NULL,
      filename text NOT NULL,
      content bytea NOT NULL,
      sha256 text GENERATED ALWAYS AS (encode(sha256(content), 'hex')) STORED,
      byte_size integer GENERATED ALWAYS AS (octet_length(content)) STORED,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE FUNCTION documents_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'a stored document is never changed' USING HINT = 'document_immutable';
    END $$;
    CREATE TRIGGER documents_immutable BEFORE UPDATE ON documents
      FOR EACH ROW EXECUTE FUNCTION documents_immutable();

    ALTER TABLE contracts ADD CONSTRAINT contracts_id_org_site_key UNIQUE (id, org_id, site_id);

    CREATE TABLE invoices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      number text CONSTRAINT invoices_number_key UNIQUE CHECK (number ~ '^[A-Z]{3}-[0-9]{4}-[0-9]{6}$'),
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued', 'paid', 'void')),
      org_id uuid NOT NULL REFERENCES organisations (id),
      site_id uuid NOT NULL REFERENCES sites (id),
      period text NOT NULL CHECK (period ~ '^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$'),
      currency char(3) NOT NULL CHECK (currency IN ('XOF', 'XAF', 'USD', 'EUR', 'CDF')),
      subtotal_minor bigint NOT NULL DEFAULT 0 CHECK (subtotal_minor >= 0),
      vat_rate_bp integer NOT NULL CHECK (vat_rate_bp BETWEEN 0 AND 10000),
      vat_minor bigint NOT NULL DEFAULT 0 CHECK (vat_minor >= 0),
      total_minor bigint NOT NULL DEFAULT 0,
      is_vat_exempt boolean NOT NULL DEFAULT false,
      vat_exemption_reference text,
      billing_language text NOT NULL DEFAULT 'fr' CHECK (billing_language IN ('fr', 'en')),
      -- Draft review flags ('first_invoice', 'overage', 'energy_jump', 'exemption_expired', …).
      flags text[] NOT NULL DEFAULT '{}',
      issued_on date,
      due_on date,
      payment_reference text CONSTRAINT invoices_payment_reference_key UNIQUE
        CHECK (payment_reference ~ '^[A-Z0-9][A-Z0-9-]{3,23}$'),
      -- Unguessable key of the public verification URL (122 random bits).
      verify_key text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '')
        CONSTRAINT invoices_verify_key_key UNIQUE CHECK (length(verify_key) >= 32),
      -- KIN: the rate of the issue date, frozen (e.g. USD→CDF).
      fx_currency char(3) CHECK (fx_currency IN ('XOF', 'XAF', 'USD', 'EUR', 'CDF')),
      fx_rate numeric(18, 6) CHECK (fx_rate > 0),
      fx_rate_on date,
      document_id uuid REFERENCES documents (id),
      pdf_sha256 text CHECK (pdf_sha256 ~ '^[0-9a-f]{64}$'),
      issued_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT invoices_org_site_period_key UNIQUE (org_id, site_id, period),
      CONSTRAINT invoices_id_org_site_key UNIQUE (id, org_id, site_id),
      CONSTRAINT invoices_total_check CHECK (total_minor = subtotal_minor + vat_minor),
      CONSTRAINT invoices_exemption_check CHECK (
        NOT is_vat_exempt OR (vat_minor = 0 AND vat_exemption_reference IS NOT NULL)),
      CONSTRAINT invoices_draft_check CHECK (
        status <> 'draft' OR (number IS NULL AND issued_on IS NULL AND due_on IS NULL AND payment_reference IS NULL)),
      CONSTRAINT invoices_issued_check CHECK (
        status = 'draft' OR (number IS NOT NULL AND issued_on IS NOT NULL AND due_on IS NOT NULL AND payment_reference IS NOT NULL)),
      CONSTRAINT invoices_due_check CHECK (due_on >= issued_on),
      CONSTRAINT invoices_fx_check CHECK (
        (fx_currency IS NULL AND fx_rate IS NULL AND fx_rate_on IS NULL)
        OR (fx_currency IS NOT NULL AND fx_rate IS NOT NULL AND fx_rate_on IS NOT NULL AND fx_currency <> currency)),
      CONSTRAINT invoices_document_check CHECK ((document_id IS NULL) = (pdf_sha256 IS NULL))
    );
    CREATE INDEX invoices_site_period_idx ON invoices (site_id, period, status);
    CREATE INDEX invoices_org_idx ON invoices (org_id, issued_on);

    CREATE TABLE invoice_lines (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      invoice_id uuid NOT NULL,
      -- Copied from the invoice by the guard trigger (writers may omit them).
      org_id uuid NOT NULL,
      site_id uuid NOT NULL,
      position integer NOT NULL CHECK (position >= 0),
      contract_id uuid,
      kind text NOT NULL CHECK (kind IN ('recurring', 'setup', 'energy', 'bandwidth_overage', 'one_off', 'early_termination')),
      description_fr text NOT NULL CHECK (length(description_fr) BETWEEN 1 AND 500),
      description_en text NOT NULL CHECK (length(description_en) BETWEEN 1 AND 500),
      quantity numeric(20, 6) NOT NULL CHECK (quantity >= 0),
      unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
      amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
      -- The quantities behind the line (days active, p95, commit, samples, readings…).
      details jsonb NOT NULL DEFAULT '{}',
      CONSTRAINT invoice_lines_invoice_fkey FOREIGN KEY (invoice_id, org_id, site_id)
        REFERENCES invoices (id, org_id, site_id) ON DELETE CASCADE,
      CONSTRAINT invoice_lines_contract_fkey FOREIGN KEY (contract_id, org_id, site_id)
        REFERENCES contracts (id, org_id, site_id),
      CONSTRAINT invoice_lines_position_key UNIQUE (invoice_id, position)
    );
    CREATE INDEX invoice_lines_contract_idx ON invoice_lines (contract_id) WHERE contract_id IS NOT NULL;

    CREATE TABLE credit_notes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      number text NOT NULL CONSTRAINT credit_notes_number_key UNIQUE CHECK (number ~ '^[A-Z]{3}-AV-[0-9]{4}-[0-9]{6}$'),
      invoice_id uuid NOT NULL,
      -- Copied from the invoice by the guard trigger (writers may omit them).
      org_id uuid NOT NULL,
      site_id uuid NOT NULL,
      currency char(3) NOT NULL,
      subtotal_minor bigint NOT NULL CHECK (subtotal_minor >= 0),
      vat_minor bigint NOT NULL DEFAULT 0 CHECK (vat_minor >= 0),
      total_minor bigint NOT NULL CHECK (total_minor > 0),
      reason text NOT NULL CHECK (length(trim(reason)) BETWEEN 2 AND 1000),
      issued_on date NOT NULL,
      verify_key text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '')
        CONSTRAINT credit_notes_verify_key_key UNIQUE CHECK (length(verify_key) >= 32),
      document_id uuid REFERENCES documents (id),
      pdf_sha256 text CHECK (pdf_sha256 ~ '^[0-9a-f]{64}$'),
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      -- The transaction that created it: the only one that may add its lines.
      created_txid bigint NOT NULL DEFAULT txid_current(),
      CONSTRAINT credit_notes_invoice_fkey FOREIGN KEY (invoice_id, org_id, site_id)
        REFERENCES invoices (id, org_id, site_id),
      CONSTRAINT credit_notes_total_check CHECK (total_minor = subtotal_minor + vat_minor),
      CONSTRAINT credit_notes_document_check CHECK ((document_id IS NULL) = (pdf_sha256 IS NULL))
    );
    CREATE INDEX credit_notes_invoice_idx ON credit_notes (invoice_id);

    CREATE TABLE credit_note_lines (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      credit_note_id uuid NOT NULL REFERENCES credit_notes (id),
      position integer NOT NULL CHECK (position >= 0),
      -- The invoice line it credits (NULL for a free-form correction).
      invoice_line_id uuid REFERENCES invoice_lines (id),
      description_fr text NOT NULL CHECK (length(description_fr) BETWEEN 1 AND 500),
      description_en text NOT NULL CHECK (length(description_en) BETWEEN 1 AND 500),
      quantity numeric(20, 6) NOT NULL CHECK (quantity >= 0),
      unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
      amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
      CONSTRAINT credit_note_lines_position_key UNIQUE (credit_note_id, position)
    );

    -- Gapless numbering: one row per (site, series, year), incremented under its row lock by the
    -- issuing transaction (a rollback gives the number back). Never a sequence.
    CREATE TABLE document_counters (
      site_id uuid NOT NULL REFERENCES sites (id),
      series text NOT NULL CHECK (series IN ('invoice', 'credit_note')),
      year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
      last_value integer NOT NULL DEFAULT 0 CHECK (last_value BETWEEN 0 AND 999999),
      PRIMARY KEY (site_id, series, year)
    );

    CREATE TABLE exchange_rates (
      from_currency char(3) NOT NULL CHECK (from_currency IN ('XOF', 'XAF', 'USD', 'EUR', 'CDF')),
      to_currency char(3) NOT NULL CHECK (to_currency IN ('XOF', 'XAF', 'USD', 'EUR', 'CDF')),
      rate_on date NOT NULL,
      rate numeric(18, 6) NOT NULL CHECK (rate > 0),
      source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'csv')),
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (from_currency, to_currency, rate_on),
      CONSTRAINT exchange_rates_pair_check CHECK (from_currency <> to_currency)
    );

    -- ---------------------------------------------------------------------------------------
    -- Invoices: born drafts, immutable once issued.
    CREATE FUNCTION invoices_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
      -- the document and its hash may be set once.
      IF (to_jsonb(NEW) - 'status' - 'updated_at' - 'document_id' - 'pdf_sha256')
         IS DISTINCT FROM (to_jsonb(OLD) - 'status' - 'updated_at' - 'document_id' - 'pdf_sha256')
         OR (OLD.document_id IS NOT NULL AND NEW.document_id IS DISTINCT FROM OLD.document_id)
         OR (OLD.pdf_sha256 IS NOT NULL AND NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256) THEN
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
    CREATE TRIGGER invoices_guard BEFORE INSERT OR UPDATE OR DELETE ON invoices
      FOR EACH ROW EXECUTE FUNCTION invoices_guard();

    -- The stored hash is the stored document's.
    CREATE FUNCTION check_document_hash() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.document_id IS NOT NULL
         AND NEW.pdf_sha256 IS DISTINCT FROM (SELECT sha256 FROM documents WHERE id = NEW.document_id) THEN
        RAISE EXCEPTION 'pdf_sha256 is not the hash of the stored document' USING HINT = 'document_hash';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER invoices_document_hash BEFORE INSERT OR UPDATE OF document_id, pdf_sha256 ON invoices
      FOR EACH ROW EXECUTE FUNCTION check_document_hash();

    -- Lines are written only while the invoice is a draft; the row lock (FOR SHARE) makes a
    -- concurrent issue wait for this transaction, or this one see the invoice issued.
    CREATE FUNCTION invoice_lines_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      inv record;
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status, number INTO inv FROM invoices WHERE id = OLD.invoice_id FOR SHARE;
        -- Not found: the invoice is being deleted (a draft, by the invoice guard), lines cascade.
        IF FOUND AND inv.status <> 'draft' THEN
          RAISE EXCEPTION 'invoice % is issued: its lines are never changed', inv.number USING HINT = 'invoice_immutable';
        END IF;
      END IF;
      IF TG_OP = 'DELETE' THEN
        RETURN OLD;
      END IF;
      SELECT status, number, org_id, site_id INTO inv FROM invoices WHERE id = NEW.invoice_id FOR SHARE;
      IF FOUND THEN
        IF inv.status <> 'draft' THEN
          RAISE EXCEPTION 'invoice % is issued: its lines are never changed', inv.number USING HINT = 'invoice_immutable';
        END IF;
        NEW.org_id := inv.org_id;
        NEW.site_id := inv.site_id;
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER invoice_lines_guard BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines
      FOR EACH ROW EXECUTE FUNCTION invoice_lines_guard();

    -- At commit: an invoice's subtotal is the sum of its lines.
    CREATE FUNCTION invoices_check_totals() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      target uuid;
      stored bigint;
      summed bigint;
    BEGIN
      -- One branch per table: a record's fields are resolved when the statement is planned.
      IF TG_TABLE_NAME = 'invoices' THEN
        target := NEW.id;
      ELSIF TG_OP = 'DELETE' THEN
        target := OLD.invoice_id;
      ELSE
        target := NEW.invoice_id;
      END IF;
      SELECT subtotal_minor INTO stored FROM invoices WHERE id = target;
      IF NOT FOUND THEN
        RETURN NULL;
      END IF;
      SELECT coalesce(sum(amount_minor), 0) INTO summed FROM invoice_lines WHERE invoice_id = target;
      IF summed <> stored THEN
        RAISE EXCEPTION 'invoice %: subtotal % is not the sum of its lines (%)', target, stored, summed
          USING HINT = 'invoice_totals';
      END IF;
      RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER invoices_totals AFTER INSERT OR UPDATE ON invoices
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION invoices_check_totals();
    CREATE CONSTRAINT TRIGGER invoice_lines_totals AFTER INSERT OR UPDATE OR DELETE ON invoice_lines
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION invoices_check_totals();

    -- ---------------------------------------------------------------------------------------
    -- Credit notes: for an issued invoice, within what remains creditable, immutable.
    CREATE FUNCTION credit_notes_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      inv invoices%ROWTYPE;
      site_code text;
      credited bigint;
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'credit note % is never deleted', OLD.number USING HINT = 'credit_note_immutable';
      END IF;
      IF TG_OP = 'UPDATE' THEN
        IF (to_jsonb(NEW) - 'document_id' - 'pdf_sha256') IS DISTINCT FROM (to_jsonb(OLD) - 'document_id' - 'pdf_sha256')
           OR (OLD.document_id IS NOT NULL AND NEW.document_id IS DISTINCT FROM OLD.document_id)
           OR (OLD.pdf_sha256 IS NOT NULL AND NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256) THEN
          RAISE EXCEPTION 'credit note % is never changed', OLD.number USING HINT = 'credit_note_immutable';
        END IF;
        RETURN NEW;
      END IF;

      -- The invoice row is locked: two credit notes for one invoice are decided one after the other.
      SELECT * INTO inv FROM invoices WHERE id = NEW.invoice_id FOR UPDATE;
      IF NOT FOUND OR inv.status NOT IN ('issued', 'paid') THEN
        RAISE EXCEPTION 'a credit note is for an issued invoice' USING HINT = 'invoice_not_issued';
      END IF;
      NEW.org_id := inv.org_id;
      NEW.site_id := inv.site_id;
      NEW.currency := inv.currency;
      NEW.created_txid := txid_current();
      SELECT code INTO site_code FROM sites WHERE id = inv.site_id;
      IF NEW.number NOT LIKE site_code || '-AV-' || to_char(NEW.issued_on, 'YYYY') || '-%' THEN
        RAISE EXCEPTION 'credit note number % does not match site % and issue year %', NEW.number, site_code, to_char(NEW.issued_on, 'YYYY')
          USING HINT = 'credit_note_number';
      END IF;
      SELECT coalesce(sum(total_minor), 0) INTO credited FROM credit_notes WHERE invoice_id = inv.id;
      IF credited + NEW.total_minor > inv.total_minor THEN
        RAISE EXCEPTION 'invoice %: % already credited, % more exceeds the total %', inv.number, credited, NEW.total_minor, inv.total_minor
          USING HINT = 'credit_exceeds_invoice';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER credit_notes_guard BEFORE INSERT OR UPDATE OR DELETE ON credit_notes
      FOR EACH ROW EXECUTE FUNCTION credit_notes_guard();
    CREATE TRIGGER credit_notes_document_hash BEFORE INSERT OR UPDATE OF document_id, pdf_sha256 ON credit_notes
      FOR EACH ROW EXECUTE FUNCTION check_document_hash();

    CREATE FUNCTION credit_note_lines_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      note credit_notes%ROWTYPE;
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'credit note lines are never changed' USING HINT = 'credit_note_immutable';
      END IF;
      SELECT * INTO note FROM credit_notes WHERE id = NEW.credit_note_id;
      IF FOUND AND note.created_txid <> txid_current() THEN
        RAISE EXCEPTION 'credit note % is issued: lines are added only when it is created', note.number
          USING HINT = 'credit_note_immutable';
      END IF;
      IF FOUND AND NEW.invoice_line_id IS NOT NULL
         AND (SELECT invoice_id FROM invoice_lines WHERE id = NEW.invoice_line_id) IS DISTINCT FROM note.invoice_id THEN
        RAISE EXCEPTION 'the credited line is not on the credited invoice' USING HINT = 'wrong_invoice';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER credit_note_lines_guard BEFORE INSERT OR UPDATE OR DELETE ON credit_note_lines
      FOR EACH ROW EXECUTE FUNCTION credit_note_lines_guard();

    CREATE FUNCTION credit_notes_check_totals() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      target uuid;
      stored bigint;
      summed bigint;
    BEGIN
      IF TG_TABLE_NAME = 'credit_notes' THEN
        target := NEW.id;
      ELSE
        target := NEW.credit_note_id;
      END IF;
      SELECT subtotal_minor INTO stored FROM credit_notes WHERE id = target;
      SELECT coalesce(sum(amount_minor), 0) INTO summed FROM credit_note_lines WHERE credit_note_id = target;
      IF summed <> stored THEN
        RAISE EXCEPTION 'credit note %: subtotal % is not the sum of its lines (%)', target, stored, summed
          USING HINT = 'credit_note_totals';
      END IF;
      RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER credit_notes_totals AFTER INSERT ON credit_notes
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION credit_notes_check_totals();
    CREATE CONSTRAINT TRIGGER credit_note_lines_totals AFTER INSERT ON credit_note_lines
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION credit_notes_check_totals();
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    DROP TABLE exchange_rates, document_counters, credit_note_lines, credit_notes, invoice_lines, invoices,
      documents, vat_exemption_certificates, site_issuers;
    DROP FUNCTION invoices_guard(), check_document_hash(), invoice_lines_guard(), invoices_check_totals(),
      credit_notes_guard(), credit_note_lines_guard(), credit_notes_check_totals(), documents_immutable();
    ALTER TABLE contracts DROP CONSTRAINT contracts_id_org_site_key;
    ALTER TABLE organisations DROP COLUMN billing_language;
  `.execute(db);
}
