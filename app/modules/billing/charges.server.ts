import type { OneOffKind } from "#db/schema";
import type { Executor } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import type { OneOffCharge } from "./compute";
import { daysInMonth, lastDayOf } from "./compute";
import { priceTimesDecimal } from "./money";

/**
 * One-off charges (remote hands, other charges) and waivers of the early-termination charge: what
 * operators record against a contract, and what the billing run reads back.
 *
 * - Remote hands are priced at the contract's frozen remote-hands price (its `remote_hands_hour`
 *   contract line); a contract without one takes the site's active remote-hands product price at the
 *   time of recording. Either way the price is stored on the charge and never changes after.
 * - Other charges carry an explicit amount (quantity 1 × that amount).
 * - A charge is dated inside the contract's dates, and never in a month whose invoice is already
 *   issued (it would never be billed: a correction there is a credit note or a supplementary invoice).
 * - Roles (remote hands: `ops_noc`; other charges and waivers: `ops_finance`) are the routes' guard.
 * Both writes record an audit entry in the caller's transaction.
 */

export type ChargeErrorCode =
  | "contract_not_found"
  | "bad_quantity"
  | "bad_amount"
  | "bad_date"
  | "bad_description"
  | "outside_contract"
  | "invoice_issued"
  | "no_remote_hands_price"
  | "bad_reason"
  | "already_waived";

/** Bad input: nothing is written; `code` maps to a localized 4xx message. */
export class ChargeError extends Error {
  constructor(readonly code: ChargeErrorCode) {
    super(`one-off charge refused: ${code}`);
    this.name = "ChargeError";
  }
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const QUANTITY_RE = /^\d{1,8}(\.\d{1,2})?$/;

function validDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  return year >= 2000 && year <= 2100 && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1 && Number(m[3]) <= daysInMonth(`${m[1]}-${m[2]}`);
}

const cleanText = (value: string, max: number) => {
  const text = value.trim();
  return text.length >= 1 && text.length <= max && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? text : null;
};

async function contractFor(trx: Executor, contractId: string) {
  const c = await trx
    .selectFrom("contracts")
    .select(["id", "org_id", "site_id", "start_on", "end_on"])
    .where("id", "=", contractId)
    .forUpdate()
    .executeTakeFirst();
  if (!c) throw new ChargeError("contract_not_found");
  return c;
}

export async function recordOneOff(
  trx: Executor,
  input: {
    actor: Actor | null;
    contractId: string;
    kind: OneOffKind;
    chargedOn: string;
    /** Hours for remote hands (up to 2 decimals, > 0); ignored for other charges (1). */
    quantity?: string;
    /** Other charges only: the amount in minor units. */
    amountMinor?: number;
    description: string;
  },
): Promise<{ id: string; amountMinor: number }> {
  if (!validDate(input.chargedOn)) throw new ChargeError("bad_date");
  const description = cleanText(input.description, 500);
  if (!description) throw new ChargeError("bad_description");
  const contract = await contractFor(trx, input.contractId);
  if (input.chargedOn < contract.start_on || (contract.end_on !== null && input.chargedOn > contract.end_on)) throw new ChargeError("outside_contract");

  let quantity: string;
  let unitPriceMinor: number;
  if (input.kind === "remote_hands") {
    if (typeof input.quantity !== "string" || !QUANTITY_RE.test(input.quantity) || !/[1-9]/.test(input.quantity)) throw new ChargeError("bad_quantity");
    quantity = input.quantity;
    const frozen = await trx
      .selectFrom("contract_lines")
      .select("unit_price_minor")
      .where("contract_id", "=", contract.id)
      .where("kind", "=", "remote_hands_hour")
      .orderBy("id")
      .executeTakeFirst();
    const product = frozen
      ? undefined
      : await trx
          .selectFrom("products")
          .select("unit_price_minor")
          .where("site_id", "=", contract.site_id)
          .where("kind", "=", "remote_hands_hour")
          .where("is_active", "=", true)
          .executeTakeFirst();
    const price = frozen?.unit_price_minor ?? product?.unit_price_minor;
    if (price === undefined) throw new ChargeError("no_remote_hands_price");
    unitPriceMinor = price;
  } else if (input.kind === "other") {
    if (typeof input.amountMinor !== "number" || !Number.isSafeInteger(input.amountMinor) || input.amountMinor < 0) throw new ChargeError("bad_amount");
    quantity = "1";
    unitPriceMinor = input.amountMinor;
  } else {
    throw new ChargeError("bad_quantity");
  }

  const issued = await trx
    .selectFrom("invoices")
    .select("id")
    .where("org_id", "=", contract.org_id)
    .where("site_id", "=", contract.site_id)
    .where("period", "=", input.chargedOn.slice(0, 7))
    .where("status", "<>", "draft")
    .executeTakeFirst();
  if (issued) throw new ChargeError("invoice_issued");

  const amountMinor = priceTimesDecimal(unitPriceMinor, quantity);
  const row = await trx
    .insertInto("one_off_charges")
    .values({
      contract_id: contract.id,
      org_id: contract.org_id,
      kind: input.kind,
      charged_on: input.chargedOn,
      quantity,
      unit_price_minor: unitPriceMinor,
      amount_minor: amountMinor,
      description,
      created_by: input.actor?.id ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    actor: input.actor,
    action: "billing.one_off_recorded",
    entityType: "contract",
    entityId: contract.id,
    orgId: contract.org_id,
    after: { id: row.id, kind: input.kind, charged_on: input.chargedOn, quantity, unit_price_minor: unitPriceMinor, amount_minor: amountMinor, description },
  });
  return { id: row.id, amountMinor };
}

export async function waiveEarlyTermination(trx: Executor, input: { actor: Actor | null; contractId: string; reason: string }): Promise<void> {
  const reason = cleanText(input.reason, 1000);
  if (!reason) throw new ChargeError("bad_reason");
  const contract = await contractFor(trx, input.contractId);
  const inserted = await trx
    .insertInto("early_termination_waivers")
    .values({ contract_id: contract.id, org_id: contract.org_id, reason, waived_by: input.actor?.id ?? null })
    .onConflict((oc) => oc.column("contract_id").doNothing())
    .returning("contract_id")
    .executeTakeFirst();
  if (!inserted) throw new ChargeError("already_waived");
  await recordAudit(trx, {
    actor: input.actor,
    action: "billing.early_termination_waived",
    entityType: "contract",
    entityId: contract.id,
    orgId: contract.org_id,
    after: { reason },
  });
}

/** The one-off charges of these contracts dated inside `period` (`YYYY-MM`), per contract, in date order. */
export async function oneOffsFor(db: Executor, contractIds: readonly string[], period: string): Promise<Map<string, OneOffCharge[]>> {
  const out = new Map<string, OneOffCharge[]>();
  if (!contractIds.length) return out;
  const rows = await db
    .selectFrom("one_off_charges as o")
    .leftJoin("contract_lines as l", (j) => j.onRef("l.contract_id", "=", "o.contract_id").on("l.kind", "=", "remote_hands_hour"))
    .select(["o.id", "o.contract_id", "o.kind", "o.charged_on", "o.quantity", "o.unit_price_minor", "o.description", "l.name_fr", "l.name_en"])
    .where("o.contract_id", "in", [...contractIds])
    .where("o.charged_on", ">=", `${period}-01`)
    .where("o.charged_on", "<=", lastDayOf(period))
    .orderBy("o.charged_on")
    .orderBy("o.created_at")
    .orderBy("o.id")
    .execute();
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.id)) continue; // two remote-hands lines on one contract: one row per charge
    seen.add(r.id);
    const remote = r.kind === "remote_hands";
    const charge: OneOffCharge = {
      on: r.charged_on,
      descriptionFr: remote ? `${r.name_fr ?? "Intervention sur site"} (heures) — ${r.description}` : r.description,
      descriptionEn: remote ? `${r.name_en ?? "Remote hands"} (hours) — ${r.description}` : r.description,
      quantity: r.quantity,
      unitPriceMinor: r.unit_price_minor,
    };
    out.set(r.contract_id, [...(out.get(r.contract_id) ?? []), charge]);
  }
  return out;
}

/** The contracts, among these, whose early-termination charge was waived. */
export async function waivedContracts(db: Executor, contractIds: readonly string[]): Promise<Set<string>> {
  if (!contractIds.length) return new Set();
  const rows = await db.selectFrom("early_termination_waivers").select("contract_id").where("contract_id", "in", [...contractIds]).execute();
  return new Set(rows.map((r) => r.contract_id));
}
