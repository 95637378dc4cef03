import { sql } from "kysely";
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
 * - Urgent remote hands (a remote-hands ticket opened as urgent, issue 13) are priced the same way from
 *   the `remote_hands_urgent_hour` line or product. Of a contract's versions, the one in force on the
 *   charge's day is used.
 * - A charge recorded by the close of a remote-hands ticket carries the ticket (`remote_hands_ticket_id`,
 *   unique: a ticket is billed once); the invoice line names the ticket's reference.
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

/**
 * The hourly remote-hands price of a contract on a day: its frozen line of that kind (the version in
 * force that day, else its latest), else the site's active product; undefined when neither exists.
 */
export async function remoteHandsPrice(db: Executor, input: { contractId: string; siteId: string; urgent: boolean; on: string }): Promise<number | undefined> {
  const kind = input.urgent ? "remote_hands_urgent_hour" : "remote_hands_hour";
  const frozen = await db
    .selectFrom("contract_lines")
    .select("unit_price_minor")
    .where("contract_id", "=", input.contractId)
    .where("kind", "=", kind)
    .orderBy(sql`(valid_from <= ${input.on}::date AND (valid_to IS NULL OR valid_to >= ${input.on}::date))`, "desc")
    .orderBy("valid_from", "desc")
    .orderBy("id")
    .executeTakeFirst();
  if (frozen) return frozen.unit_price_minor;
  const product = await db
    .selectFrom("products")
    .select("unit_price_minor")
    .where("site_id", "=", input.siteId)
    .where("kind", "=", kind)
    .where("is_active", "=", true)
    .executeTakeFirst();
  return product?.unit_price_minor;
}

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
    /** Remote hands only: at the urgent rate. */
    urgent?: boolean;
    /** Remote hands only: the ticket whose close records this charge. */
    remoteHandsTicketId?: string;
  },
): Promise<{ id: string; amountMinor: number; unitPriceMinor: number; quantity: string }> {
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
    const price = await remoteHandsPrice(trx, { contractId: contract.id, siteId: contract.site_id, urgent: input.urgent === true, on: input.chargedOn });
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
      ...(input.kind === "remote_hands" && input.remoteHandsTicketId ? { remote_hands_ticket_id: input.remoteHandsTicketId } : {}),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    actor: input.actor,
    action: "billing.one_off_recorded",
    entityType: "contract",
    entityId: contract.id,
    orgId: contract.org_id,
    after: {
      id: row.id,
      kind: input.kind,
      charged_on: input.chargedOn,
      quantity,
      unit_price_minor: unitPriceMinor,
      amount_minor: amountMinor,
      description,
      ...(input.kind === "remote_hands" && input.urgent ? { urgent: true } : {}),
      ...(input.kind === "remote_hands" && input.remoteHandsTicketId ? { remote_hands_ticket_id: input.remoteHandsTicketId } : {}),
    },
  });
  return { id: row.id, amountMinor, unitPriceMinor, quantity };
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
    .leftJoin("remote_hands_tickets as t", "t.id", "o.remote_hands_ticket_id")
    .leftJoin("contract_lines as l", (j) =>
      j.onRef("l.contract_id", "=", "o.contract_id").on(sql<boolean>`l.kind = (CASE WHEN t.urgency = 'urgent' THEN 'remote_hands_urgent_hour' ELSE 'remote_hands_hour' END)`),
    )
    .select(["o.id", "o.contract_id", "o.kind", "o.charged_on", "o.quantity", "o.unit_price_minor", "o.description", "l.name_fr", "l.name_en", "t.ref as ticket_ref", "t.urgency"])
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
    const urgent = r.urgency === "urgent";
    const ticket = r.ticket_ref ? ` ${r.ticket_ref}` : "";
    const charge: OneOffCharge = {
      on: r.charged_on,
      descriptionFr: remote ? `${r.name_fr ?? (urgent ? "Intervention sur site urgente" : "Intervention sur site")} (heures)${ticket} — ${r.description}` : r.description,
      descriptionEn: remote ? `${r.name_en ?? (urgent ? "Urgent remote hands" : "Remote hands")} (hours)${ticket} — ${r.description}` : r.description,
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
