import { sql, type Kysely } from "kysely";

/**
 * Cards through Stripe (issue 9; docs/stripe.md). Only used when STRIPE_SECRET_KEY is set.
 *
 * - `stripe_customers`: the Stripe customer of an organisation (one each, created lazily).
 * - `stripe_invoices`: the Stripe mirror of one of our issued invoices for one amount. A mirror is
 *   made when a tenant clicks "Pay by card"; when the balance has changed since (a transfer, a
 *   credit note), the next click makes a new attempt for the new balance. `attempt` is part of every
 *   idempotency key, so a retry of the same attempt never creates a second Stripe object.
 *   Its status only moves forward (pending → draft → open → uncollectible → paid | void): an
 *   `invoice.finalized` delivered after `invoice.paid` changes nothing.
 * - `stripe_events`: every webhook event, recorded once by its id (a redelivery inserts nothing),
 *   with what it did (`outcome`). `deferred` events (a refund whose payment is not known yet) are
 *   processed again when the payment arrives.
 */
export async function up(db: Kysely<any>) {
  await sql`
    CREATE TABLE stripe_customers (
      org_id uuid PRIMARY KEY REFERENCES organisations (id),
      stripe_customer_id text NOT NULL CONSTRAINT stripe_customers_stripe_id_key UNIQUE
        CHECK (length(stripe_customer_id) BETWEEN 1 AND 255),
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE stripe_invoices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      invoice_id uuid NOT NULL REFERENCES invoices (id),
      -- Copied from the invoice by the database.
      org_id uuid NOT NULL REFERENCES organisations (id),
      currency text NOT NULL CHECK (currency IN ('XOF', 'XAF', 'USD')),
      attempt integer NOT NULL CHECK (attempt BETWEEN 1 AND 1000),
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      stripe_invoice_id text CONSTRAINT stripe_invoices_stripe_id_key UNIQUE CHECK (length(stripe_invoice_id) BETWEEN 1 AND 255),
      hosted_invoice_url text CHECK (length(hosted_invoice_url) BETWEEN 1 AND 2000),
      payment_intent_id text CHECK (length(payment_intent_id) BETWEEN 1 AND 255),
      status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'draft', 'open', 'uncollectible', 'paid', 'void')),
      payment_failures integer NOT NULL DEFAULT 0 CHECK (payment_failures >= 0),
      last_payment_failed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT stripe_invoices_attempt_key UNIQUE (invoice_id, attempt)
    );
    CREATE INDEX stripe_invoices_org_idx ON stripe_invoices (org_id);
    CREATE INDEX stripe_invoices_payment_intent_idx ON stripe_invoices (payment_intent_id) WHERE payment_intent_id IS NOT NULL;

    CREATE FUNCTION stripe_status_rank(status text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE status WHEN 'pending' THEN 0 WHEN 'draft' THEN 1 WHEN 'open' THEN 2
        WHEN 'uncollectible' THEN 3 WHEN 'paid' THEN 4 WHEN 'void' THEN 4 ELSE 0 END
    $$;

    CREATE FUNCTION stripe_invoices_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      inv invoices%ROWTYPE;
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'a Stripe mirror is never deleted' USING HINT = 'stripe_mirror_immutable';
      END IF;
      IF TG_OP = 'INSERT' THEN
        SELECT * INTO inv FROM invoices WHERE id = NEW.invoice_id;
        IF inv.id IS NULL OR inv.status = 'draft' THEN
          RAISE EXCEPTION 'a draft is never mirrored to Stripe' USING HINT = 'invoice_not_issued';
        END IF;
        NEW.org_id := inv.org_id;
        NEW.currency := inv.currency;
        RETURN NEW;
      END IF;
      -- What was mirrored stays: the invoice, amount and Stripe ids never change once set.
      IF NEW.invoice_id <> OLD.invoice_id OR NEW.org_id <> OLD.org_id OR NEW.currency <> OLD.currency
         OR NEW.attempt <> OLD.attempt OR NEW.amount_minor <> OLD.amount_minor
         OR (OLD.stripe_invoice_id IS NOT NULL AND NEW.stripe_invoice_id IS DISTINCT FROM OLD.stripe_invoice_id) THEN
        RAISE EXCEPTION 'a Stripe mirror keeps its invoice, amount and Stripe id' USING HINT = 'stripe_mirror_immutable';
      END IF;
      -- The status only moves forward, whatever order Stripe's events arrive in.
      IF stripe_status_rank(NEW.status) < stripe_status_rank(OLD.status)
         OR (OLD.status IN ('paid', 'void') AND NEW.status <> OLD.status) THEN
        NEW.status := OLD.status;
      END IF;
      NEW.hosted_invoice_url := coalesce(NEW.hosted_invoice_url, OLD.hosted_invoice_url);
      NEW.payment_intent_id := coalesce(NEW.payment_intent_id, OLD.payment_intent_id);
      NEW.updated_at := now();
      RETURN NEW;
    END $$;
    CREATE TRIGGER stripe_invoices_guard BEFORE INSERT OR UPDATE OR DELETE ON stripe_invoices
      FOR EACH ROW EXECUTE FUNCTION stripe_invoices_guard();

    CREATE TABLE stripe_events (
      id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 255),
      type text NOT NULL CHECK (length(type) BETWEEN 1 AND 255),
      -- The Stripe object the event is about (in_…, ch_…), for finance and the deferred queue.
      object_id text CHECK (length(object_id) <= 255),
      livemode boolean NOT NULL DEFAULT false,
      -- The event's data.object (what the handler read), kept for audit and deferred processing.
      payload jsonb NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      processed_at timestamptz,
      outcome text NOT NULL DEFAULT 'received'
        CHECK (outcome IN ('received', 'applied', 'ignored', 'deferred', 'unmatched', 'refused')),
      detail text CHECK (length(detail) <= 1000),
      invoice_id uuid REFERENCES invoices (id),
      org_id uuid REFERENCES organisations (id)
    );
    CREATE INDEX stripe_events_received_idx ON stripe_events (received_at DESC);
    CREATE INDEX stripe_events_deferred_idx ON stripe_events (received_at) WHERE outcome = 'deferred';

    CREATE FUNCTION stripe_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'a Stripe event is never deleted' USING HINT = 'stripe_event_immutable';
      END IF;
      IF NEW.id <> OLD.id OR NEW.type <> OLD.type OR NEW.payload <> OLD.payload OR NEW.received_at <> OLD.received_at THEN
        RAISE EXCEPTION 'a Stripe event is recorded as received' USING HINT = 'stripe_event_immutable';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER stripe_events_guard BEFORE UPDATE OR DELETE ON stripe_events
      FOR EACH ROW EXECUTE FUNCTION stripe_events_guard();
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    DROP TABLE stripe_events, stripe_invoices, stripe_customers;
    DROP FUNCTION stripe_events_guard(), stripe_invoices_guard(), stripe_status_rank(text);
  `.execute(db);
}
