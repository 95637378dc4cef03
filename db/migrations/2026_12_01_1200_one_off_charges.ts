import { sql, type Kysely } from "kysely";

/**
 * One-off charges and early-termination waivers, both billed by the billing run
 * (`app/modules/billing/charges.server.ts`):
 * - `one_off_charges`: remote-hands hours or another charge recorded against a contract on a date;
 *   it lands on the invoice of that date's month. `amount_minor` = round_half_up(quantity × unit
 *   price), stored as recorded. The composite FK keeps the row's organisation the contract's.
 * - `early_termination_waivers`: at most one per contract; while it exists, the contract's early
 *   termination is not charged. The reason is required.
 */
export async function up(db: Kysely<any>) {
  await sql`
    CREATE TABLE one_off_charges (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      contract_id uuid NOT NULL,
      org_id uuid NOT NULL REFERENCES organisations (id),
      kind text NOT NULL CHECK (kind IN ('remote_hands', 'other')),
      charged_on date NOT NULL,
      quantity numeric(12, 2) NOT NULL CHECK (quantity > 0),
      unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
      amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
      description text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 500),
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (contract_id, org_id) REFERENCES contracts (id, org_id)
    );
    CREATE INDEX one_off_charges_contract_on ON one_off_charges (contract_id, charged_on);

    CREATE TABLE early_termination_waivers (
      contract_id uuid PRIMARY KEY,
      org_id uuid NOT NULL REFERENCES organisations (id),
      reason text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 1000),
      waived_by uuid REFERENCES users (id) ON DELETE SET NULL,
      waived_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (contract_id, org_id) REFERENCES contracts (id, org_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`DROP TABLE early_termination_waivers, one_off_charges`.execute(db);
}
