import { sql, type Kysely } from "kysely";

/**
 * Payments and the customer balance (issue 9; ADR 014). Stored names: shared/api/billing.md.
 *
 * - `payments`: money received from an organisation in one currency. Never deleted; only its
 *   reversal (bounced cheque, mobile-money reversal) may be recorded, once, after its allocations
 *   are undone and with nothing refunded from it.
 * - `payment_allocations`: a ledger of immutable rows. A positive row applies part of a payment to
 *   an invoice; a negative row (`reverses_id`) undoes one positive row, whole. The database refuses
 *   an allocation beyond the invoice's balance or beyond what is left of the payment, with both rows
 *   locked (payment, then invoice), so concurrent recordings are decided one after the other.
 *   It moves the invoice issued → paid when its balance reaches zero, paid → issued when it reopens.
 * - `refunds`: money given back from what is left of a payment (the organisation's credit).
 * - `invoice_balance_minor(id)`: THE balance rule = total − credit notes − net allocations
 *   (0 for a draft or a void invoice).
 * - `customer_ledger`: every movement of an organisation's account, one row each (invoices and
 *   payment reversals and refunds as debits; credit notes and payments as credits). Σ debit − Σ credit
 *   = what the organisation owes; negative = it is in credit. Allocations are not movements: they
 *   only say which invoice a payment settled.
 * - Credit notes now also respect payments: credit + paid may not exceed the invoice's total
 *   (the application undoes allocations first, so the freed money becomes credit).
 */
export async function up(db: Kysely<any>) {
  await sql`
    CREATE TABLE payments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organisations (id),
      currency text NOT NULL CHECK (currency IN ('XOF', 'XAF', 'USD')),
      amount_minor bigint NOT NULL CHECK (amount_minor > 0 AND amount_minor <= 1000000000000000),
      method text NOT NULL CHECK (method IN ('bank_transfer', 'mtn_momo', 'moov_flooz', 'orange_money',
        'airtel_money', 'mpesa', 'cash', 'cheque', 'card')),
      reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 200),
      payer text CHECK (length(payer) <= 200),
      received_on date NOT NULL CHECK (received_on BETWEEN DATE '2000-01-01' AND DATE '2100-12-31'),
      source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'statement', 'stripe')),
      -- The statement line or Stripe object it came from: one payment per outside transaction.
      external_id text CONSTRAINT payments_external_id_key UNIQUE CHECK (length(external_id) <= 300),
      reversed_on date,
      reversal_reason text CHECK (length(reversal_reason) BETWEEN 2 AND 1000),
      reversed_by uuid REFERENCES users (id),
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT payments_reversal_check CHECK ((reversed_on IS NULL) = (reversal_reason IS NULL))
    );
    CREATE INDEX payments_org_idx ON payments (org_id, currency, received_on);
    -- The same transfer recorded twice by hand is refused (unless the first was reversed).
    CREATE UNIQUE INDEX payments_reference_key ON payments (org_id, method, lower(reference)) WHERE reversed_on IS NULL;

    CREATE TABLE payment_allocations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      payment_id uuid NOT NULL REFERENCES payments (id),
      invoice_id uuid NOT NULL REFERENCES invoices (id),
      amount_minor bigint NOT NULL CHECK (amount_minor <> 0),
      reverses_id uuid CONSTRAINT payment_allocations_reverses_key UNIQUE REFERENCES payment_allocations (id),
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT payment_allocations_sign_check CHECK ((amount_minor < 0) = (reverses_id IS NOT NULL))
    );
    CREATE INDEX payment_allocations_invoice_idx ON payment_allocations (invoice_id);
    CREATE INDEX payment_allocations_payment_idx ON payment_allocations (payment_id);

    CREATE TABLE refunds (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      payment_id uuid NOT NULL REFERENCES payments (id),
      org_id uuid NOT NULL REFERENCES organisations (id),
      currency text NOT NULL,
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      refunded_on date NOT NULL CHECK (refunded_on BETWEEN DATE '2000-01-01' AND DATE '2100-12-31'),
      method text NOT NULL CHECK (method IN ('bank_transfer', 'mtn_momo', 'moov_flooz', 'orange_money',
        'airtel_money', 'mpesa', 'cash', 'cheque', 'card')),
      reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 200),
      reason text NOT NULL CHECK (length(reason) BETWEEN 2 AND 1000),
      external_id text CONSTRAINT refunds_external_id_key UNIQUE,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX refunds_payment_idx ON refunds (payment_id);
    CREATE INDEX refunds_org_idx ON refunds (org_id, currency, refunded_on);

    CREATE FUNCTION invoice_balance_minor(invoice uuid) RETURNS bigint LANGUAGE sql STABLE AS $$
      SELECT CASE WHEN i.status IN ('draft', 'void') THEN 0::bigint ELSE
        i.total_minor
        - coalesce((SELECT sum(total_minor) FROM credit_notes WHERE invoice_id = i.id), 0)
        - coalesce((SELECT sum(amount_minor) FROM payment_allocations WHERE invoice_id = i.id), 0)
      END::bigint
      FROM invoices i WHERE i.id = invoice
    $$;

    -- What is left of a payment to allocate or refund (0 once reversed).
    CREATE FUNCTION payment_unallocated_minor(payment uuid) RETURNS bigint LANGUAGE sql STABLE AS $$
      SELECT CASE WHEN p.reversed_on IS NOT NULL THEN 0::bigint ELSE
        p.amount_minor
        - coalesce((SELECT sum(amount_minor) FROM payment_allocations WHERE payment_id = p.id), 0)
        - coalesce((SELECT sum(amount_minor) FROM refunds WHERE payment_id = p.id), 0)
      END::bigint
      FROM payments p WHERE p.id = payment
    $$;

    CREATE FUNCTION payments_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      net bigint;
      refunded bigint;
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'a payment is never deleted (record its reversal)' USING HINT = 'payment_immutable';
      END IF;
      IF (to_jsonb(NEW) - 'reversed_on' - 'reversal_reason' - 'reversed_by')
         IS DISTINCT FROM (to_jsonb(OLD) - 'reversed_on' - 'reversal_reason' - 'reversed_by')
         OR OLD.reversed_on IS NOT NULL THEN
        RAISE EXCEPTION 'payment % is never changed (its reversal is recorded once)', OLD.reference USING HINT = 'payment_immutable';
      END IF;
      IF NEW.reversed_on IS NOT NULL THEN
        SELECT coalesce(sum(amount_minor), 0) INTO net FROM payment_allocations WHERE payment_id = NEW.id;
        SELECT coalesce(sum(amount_minor), 0) INTO refunded FROM refunds WHERE payment_id = NEW.id;
        IF net <> 0 OR refunded <> 0 THEN
          RAISE EXCEPTION 'payment %: undo its allocations (% left) and refunds (%) before its reversal', OLD.reference, net, refunded
            USING HINT = 'payment_still_allocated';
        END IF;
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER payments_guard BEFORE UPDATE OR DELETE ON payments
      FOR EACH ROW EXECUTE FUNCTION payments_guard();

    CREATE FUNCTION payment_allocations_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      pay payments%ROWTYPE;
      inv invoices%ROWTYPE;
      undone payment_allocations%ROWTYPE;
      left_on_payment bigint;
      balance bigint;
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'an allocation is never changed or deleted (record its undoing)' USING HINT = 'allocation_immutable';
      END IF;
      -- Lock order: payment, then invoice (the application allocates invoices in id order).
      SELECT * INTO pay FROM payments WHERE id = NEW.payment_id FOR UPDATE;
      SELECT * INTO inv FROM invoices WHERE id = NEW.invoice_id FOR UPDATE;
      IF inv.org_id <> pay.org_id OR inv.currency <> pay.currency THEN
        RAISE EXCEPTION 'payment and invoice % belong to different organisations or currencies', inv.number
          USING HINT = 'allocation_mismatch';
      END IF;
      IF NEW.amount_minor < 0 THEN
        SELECT * INTO undone FROM payment_allocations WHERE id = NEW.reverses_id;
        IF undone.payment_id <> NEW.payment_id OR undone.invoice_id <> NEW.invoice_id
           OR undone.amount_minor <> -NEW.amount_minor OR undone.reverses_id IS NOT NULL THEN
          RAISE EXCEPTION 'an undoing row takes back exactly one allocation' USING HINT = 'allocation_undo';
        END IF;
        RETURN NEW;
      END IF;
      IF pay.reversed_on IS NOT NULL THEN
        RAISE EXCEPTION 'payment % is reversed', pay.reference USING HINT = 'payment_reversed';
      END IF;
      IF inv.status NOT IN ('issued', 'paid') THEN
        RAISE EXCEPTION 'invoice % is not issued', coalesce(inv.number, inv.id::text) USING HINT = 'invoice_not_issued';
      END IF;
      left_on_payment := payment_unallocated_minor(pay.id);
      IF NEW.amount_minor > left_on_payment THEN
        RAISE EXCEPTION 'payment %: % left, % asked', pay.reference, left_on_payment, NEW.amount_minor
          USING HINT = 'allocation_exceeds_payment';
      END IF;
      balance := invoice_balance_minor(inv.id);
      IF NEW.amount_minor > balance THEN
        RAISE EXCEPTION 'invoice %: balance %, % asked', inv.number, balance, NEW.amount_minor
          USING HINT = 'allocation_exceeds_invoice';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER payment_allocations_guard BEFORE INSERT OR UPDATE OR DELETE ON payment_allocations
      FOR EACH ROW EXECUTE FUNCTION payment_allocations_guard();

    -- The invoice's status follows its balance: paid at zero, issued again when it reopens.
    CREATE FUNCTION payment_allocations_status() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      balance bigint;
      allocated bigint;
      st text;
    BEGIN
      SELECT status INTO st FROM invoices WHERE id = NEW.invoice_id;
      balance := invoice_balance_minor(NEW.invoice_id);
      SELECT coalesce(sum(amount_minor), 0) INTO allocated FROM payment_allocations WHERE invoice_id = NEW.invoice_id;
      IF st = 'issued' AND balance = 0 AND allocated > 0 THEN
        UPDATE invoices SET status = 'paid', updated_at = now() WHERE id = NEW.invoice_id;
      ELSIF st = 'paid' AND balance > 0 THEN
        UPDATE invoices SET status = 'issued', updated_at = now() WHERE id = NEW.invoice_id;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER payment_allocations_status AFTER INSERT ON payment_allocations
      FOR EACH ROW EXECUTE FUNCTION payment_allocations_status();

    CREATE FUNCTION refunds_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      pay payments%ROWTYPE;
      left_on_payment bigint;
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'a refund is never changed or deleted' USING HINT = 'refund_immutable';
      END IF;
      SELECT * INTO pay FROM payments WHERE id = NEW.payment_id FOR UPDATE;
      IF pay.reversed_on IS NOT NULL THEN
        RAISE EXCEPTION 'payment % is reversed', pay.reference USING HINT = 'payment_reversed';
      END IF;
      NEW.org_id := pay.org_id;
      NEW.currency := pay.currency;
      left_on_payment := payment_unallocated_minor(pay.id);
      IF NEW.amount_minor > left_on_payment THEN
        RAISE EXCEPTION 'payment %: % left, % refunded', pay.reference, left_on_payment, NEW.amount_minor
          USING HINT = 'refund_exceeds_credit';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER refunds_guard BEFORE INSERT OR UPDATE OR DELETE ON refunds
      FOR EACH ROW EXECUTE FUNCTION refunds_guard();

    -- Credit notes: what is credited and what is paid together never exceed the invoice's total.
    -- A credit note that takes the last of a partly paid invoice's balance makes it paid.
    CREATE FUNCTION credit_notes_within_payments() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      balance bigint := invoice_balance_minor(NEW.invoice_id);
    BEGIN
      IF balance < 0 THEN
        RAISE EXCEPTION 'a credit note beyond the unpaid balance: undo the allocations first'
          USING HINT = 'credit_exceeds_balance';
      END IF;
      IF balance = 0 AND EXISTS (SELECT 1 FROM payment_allocations WHERE invoice_id = NEW.invoice_id GROUP BY invoice_id HAVING sum(amount_minor) > 0) THEN
        UPDATE invoices SET status = 'paid', updated_at = now() WHERE id = NEW.invoice_id AND status = 'issued';
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER credit_notes_within_payments AFTER INSERT ON credit_notes
      FOR EACH ROW EXECUTE FUNCTION credit_notes_within_payments();

    CREATE VIEW customer_ledger AS
      SELECT i.org_id, i.currency, i.issued_on AS occurred_on, 'invoice'::text AS kind,
             i.id AS invoice_id, NULL::uuid AS payment_id, NULL::uuid AS refund_id, NULL::uuid AS credit_note_id,
             i.number AS document, i.total_minor AS debit_minor, 0::bigint AS credit_minor, i.created_at
        FROM invoices i WHERE i.status <> 'draft'
      UNION ALL
      SELECT cn.org_id, cn.currency, cn.issued_on, 'credit_note', cn.invoice_id, NULL, NULL, cn.id,
             cn.number, 0, cn.total_minor, cn.created_at
        FROM credit_notes cn
      UNION ALL
      SELECT p.org_id, p.currency, p.received_on, 'payment', NULL, p.id, NULL, NULL,
             p.reference, 0, p.amount_minor, p.created_at
        FROM payments p
      UNION ALL
      SELECT p.org_id, p.currency, p.reversed_on, 'payment_reversal', NULL, p.id, NULL, NULL,
             p.reference, p.amount_minor, 0, p.created_at
        FROM payments p WHERE p.reversed_on IS NOT NULL
      UNION ALL
      SELECT r.org_id, r.currency, r.refunded_on, 'refund', NULL, r.payment_id, r.id, NULL,
             r.reference, r.amount_minor, 0, r.created_at
        FROM refunds r;
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    DROP VIEW customer_ledger;
    DROP TRIGGER credit_notes_within_payments ON credit_notes;
    DROP TABLE refunds, payment_allocations, payments;
    DROP FUNCTION credit_notes_within_payments(), refunds_guard(), payment_allocations_status(),
      payment_allocations_guard(), payments_guard(), payment_unallocated_minor(uuid), invoice_balance_minor(uuid);
  `.execute(db);
}
