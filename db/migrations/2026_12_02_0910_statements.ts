import { sql, type Kysely } from "kysely";

/**
 * The reconciliation inbox (issue 9; docs/reconciliation.md): bank and mobile-money statements.
 *
 * - `statement_sources`: where a site's statements come from (a bank account, a mobile-money
 *   wallet), the payment method their lines become, the file format and, for CSV, the saved column
 *   mapping (delimiter, column names, date format, decimal separator).
 * - `statement_imports`: each file imported (who, when, name, SHA-256, counts) — a history, so the
 *   same file imported twice leaves two imports but no second line.
 * - `statement_lines`: money received, one row per bank or wallet transaction, keyed per site by
 *   the transaction id (`tx:<id>`) or, without one, by a hash of date, amount, currency, label and
 *   the line's rank among identical ones in its file (`h:<sha256>`). The unique key makes a
 *   re-import add nothing (`ON CONFLICT DO NOTHING`). A matched line names the payment it became
 *   (unique: one payment per line at most); a line marked "not ours" keeps its reason.
 * - `statement_line_suggestions`: the invoices proposed for a suggested line.
 * - An index on the payment reference without its dash, so a label's candidate references are
 *   looked up by index.
 */
export async function up(db: Kysely<any>) {
  await sql`
    CREATE TABLE statement_sources (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      site_id uuid NOT NULL REFERENCES sites (id),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      kind text NOT NULL CHECK (kind IN ('bank', 'mobile_money')),
      method text NOT NULL CHECK (method IN ('bank_transfer', 'mtn_momo', 'moov_flooz', 'orange_money',
        'airtel_money', 'mpesa', 'cash', 'cheque')),
      format text NOT NULL CHECK (format IN ('csv', 'mt940', 'camt053')),
      csv_delimiter text CHECK (csv_delimiter IN (',', ';', '|', E'\\t')),
      csv_date_column text CHECK (length(csv_date_column) BETWEEN 1 AND 100),
      csv_amount_column text CHECK (length(csv_amount_column) BETWEEN 1 AND 100),
      csv_currency_column text CHECK (length(csv_currency_column) BETWEEN 1 AND 100),
      csv_label_column text CHECK (length(csv_label_column) BETWEEN 1 AND 100),
      csv_transaction_id_column text CHECK (length(csv_transaction_id_column) BETWEEN 1 AND 100),
      csv_payer_column text CHECK (length(csv_payer_column) BETWEEN 1 AND 100),
      csv_date_format text CHECK (csv_date_format IN ('YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY', 'DD-MM-YYYY')),
      csv_decimal_separator text CHECK (csv_decimal_separator IN ('.', ',')),
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT statement_sources_csv_check CHECK (format <> 'csv' OR (csv_delimiter IS NOT NULL AND csv_date_column IS NOT NULL
        AND csv_amount_column IS NOT NULL AND csv_label_column IS NOT NULL AND csv_date_format IS NOT NULL AND csv_decimal_separator IS NOT NULL))
    );
    CREATE UNIQUE INDEX statement_sources_name_key ON statement_sources (site_id, lower(name));

    CREATE TABLE statement_imports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      site_id uuid NOT NULL REFERENCES sites (id),
      source_id uuid REFERENCES statement_sources (id),
      format text NOT NULL CHECK (format IN ('csv_plain', 'csv', 'mt940', 'camt053')),
      file_name text NOT NULL CHECK (length(file_name) <= 200),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      byte_size integer NOT NULL CHECK (byte_size >= 0),
      lines_total integer NOT NULL CHECK (lines_total >= 0),
      lines_outgoing integer NOT NULL CHECK (lines_outgoing >= 0),
      lines_new integer NOT NULL CHECK (lines_new >= 0),
      matched integer NOT NULL CHECK (matched >= 0),
      suggested integer NOT NULL CHECK (suggested >= 0),
      unmatched integer NOT NULL CHECK (unmatched >= 0),
      via text NOT NULL CHECK (via IN ('web', 'cli')),
      imported_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX statement_imports_site_idx ON statement_imports (site_id, created_at);

    CREATE TABLE statement_lines (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      site_id uuid NOT NULL REFERENCES sites (id),
      import_id uuid NOT NULL REFERENCES statement_imports (id),
      source_id uuid REFERENCES statement_sources (id),
      line_key text NOT NULL CHECK (length(line_key) BETWEEN 3 AND 120),
      transaction_id text CHECK (length(transaction_id) BETWEEN 1 AND 100),
      booked_on date NOT NULL CHECK (booked_on BETWEEN DATE '2000-01-01' AND DATE '2100-12-31'),
      amount_minor bigint NOT NULL CHECK (amount_minor > 0 AND amount_minor <= 1000000000000000),
      currency text NOT NULL CHECK (currency IN ('XOF', 'XAF', 'USD')),
      label text NOT NULL CHECK (length(label) <= 500),
      payer text CHECK (length(payer) <= 200),
      method text NOT NULL CHECK (method IN ('bank_transfer', 'mtn_momo', 'moov_flooz', 'orange_money',
        'airtel_money', 'mpesa', 'cash', 'cheque')),
      status text NOT NULL CHECK (status IN ('auto_matched', 'manual_matched', 'suggested', 'unmatched', 'not_ours')),
      suggestion_reason text CHECK (suggestion_reason IN ('amount_exceeds_balance', 'invoice_settled', 'amount_and_name',
        'several_organisations', 'reference_recorded')),
      suggested_org_id uuid REFERENCES organisations (id),
      payment_id uuid CONSTRAINT statement_lines_payment_key UNIQUE REFERENCES payments (id),
      not_ours_reason text CHECK (length(not_ours_reason) BETWEEN 2 AND 1000),
      resolved_by uuid REFERENCES users (id),
      resolved_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT statement_lines_key UNIQUE (site_id, line_key),
      CONSTRAINT statement_lines_payment_check CHECK ((status IN ('auto_matched', 'manual_matched')) = (payment_id IS NOT NULL)),
      CONSTRAINT statement_lines_not_ours_check CHECK ((status = 'not_ours') = (not_ours_reason IS NOT NULL))
    );
    CREATE INDEX statement_lines_open_idx ON statement_lines (site_id, booked_on) WHERE status IN ('suggested', 'unmatched');

    CREATE TABLE statement_line_suggestions (
      line_id uuid NOT NULL REFERENCES statement_lines (id),
      invoice_id uuid NOT NULL REFERENCES invoices (id),
      PRIMARY KEY (line_id, invoice_id)
    );

    CREATE INDEX invoices_payment_reference_compact_idx ON invoices ((replace(payment_reference, '-', '')))
      WHERE payment_reference IS NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    DROP INDEX invoices_payment_reference_compact_idx;
    DROP TABLE statement_line_suggestions, statement_lines, statement_imports, statement_sources;
  `.execute(db);
}
