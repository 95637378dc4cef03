/**
 * The operators' billing forms outside the billing run: one-off charges and early-termination
 * waivers on a contract's page, exchange rates, and the issuers' legal details. Zod schemas whose
 * messages are i18n keys, the mapping of the domain's error codes to those keys, and the contract
 * page's view of its charges.
 *
 * Money is typed in major units of the site's currency ("1234.56" USD) and converted to integer
 * minor units with string arithmetic only (`decimalToMinor`), never through a float.
 */
import { sql } from "kysely";
import { z } from "zod";
import type { Executor } from "#db/types";
import { fields } from "~/utils/forms.server";
import { currencyDecimals, type MessageKey } from "~/i18n";
import { decimalToMinor } from "~/modules/inventory/schemas.server";
import { earlyTermination, type EarlyTermination, type FrozenLine } from "./compute";
import type { ChargeErrorCode } from "./charges.server";
import { RATE_CURRENCIES, RATE_RE, type RateErrorCode } from "./rates.server";

// ---------------------------------------------------------------------------------------------
// One-off charges and waivers

/** Hours of remote hands: up to 8 integer digits and 2 decimals (numeric(12,2)), more than 0; a comma reads as the point. */
const hours = () =>
  z
    .string({ error: "error.required" })
    .trim()
    .min(1, { error: "error.required" })
    .regex(/^\d{1,8}(?:[.,]\d{1,2})?$/, { error: "billingOpsForms.error.hours" })
    .transform((v) => v.replace(",", "."))
    .refine((v) => /[1-9]/.test(v), { error: "billingOpsForms.error.hours" });

export const RemoteHandsForm = z.object({
  rhOn: fields.date(),
  rhHours: hours(),
  rhNote: fields.text(500),
});

/** An amount in major units of `currency`, > 0, as integer minor units. */
export function amountField(currency: string) {
  const decimals = currencyDecimals(currency);
  return z
    .string({ error: "error.required" })
    .trim()
    .min(1, { error: "error.required" })
    .transform((value, ctx) => {
      const result = decimalToMinor(value, decimals);
      if (!result.ok) {
        ctx.addIssue({ code: "custom", message: result.error });
        return z.NEVER;
      }
      if (result.minor <= 0) {
        ctx.addIssue({ code: "custom", message: "billingOpsForms.error.amountPositive" });
        return z.NEVER;
      }
      return result.minor;
    });
}

export function otherChargeForm(currency: string) {
  return z.object({
    otherOn: fields.date(),
    otherDescription: fields.text(500),
    otherAmount: amountField(currency),
  });
}

export const WaiveForm = z.object({ waiveReason: fields.text(1000) });

/** Each ChargeError: the field it belongs to (none: a form-level message), its message and status. */
export const CHARGE_ERRORS: Record<ChargeErrorCode, { field?: "on" | "quantity" | "amount" | "description" | "reason"; key: MessageKey; status: 400 | 404 | 409 }> = {
  contract_not_found: { key: "billingOpsForms.chargeError.contract_not_found", status: 404 },
  bad_quantity: { field: "quantity", key: "billingOpsForms.error.hours", status: 400 },
  bad_amount: { field: "amount", key: "billingOpsForms.chargeError.bad_amount", status: 400 },
  bad_date: { field: "on", key: "billingOpsForms.chargeError.bad_date", status: 400 },
  bad_description: { field: "description", key: "billingOpsForms.chargeError.bad_description", status: 400 },
  outside_contract: { field: "on", key: "billingOpsForms.chargeError.outside_contract", status: 400 },
  invoice_issued: { field: "on", key: "billingOpsForms.chargeError.invoice_issued", status: 409 },
  no_remote_hands_price: { key: "billingOpsForms.chargeError.no_remote_hands_price", status: 409 },
  bad_reason: { field: "reason", key: "billingOpsForms.chargeError.bad_reason", status: 400 },
  already_waived: { key: "billingOpsForms.chargeError.already_waived", status: 409 },
};

export interface ContractCharge {
  id: string;
  kind: "remote_hands" | "other";
  chargedOn: string;
  description: string;
  quantity: string;
  unitPriceMinor: number;
  amountMinor: number;
  by: string | null;
  createdAt: Date;
}

/**
 * What the operator's contract page shows about one-off charges: the charges, newest day first,
 * with who recorded them; the early-termination charge the contract carries (null when it ended on
 * or after its commitment's last day, or has not ended); and its waiver, if any.
 */
export async function contractChargesView(
  db: Executor,
  contract: { id: string; start_on: string; end_on: string | null; term_months: number; lines: readonly FrozenLine[] },
): Promise<{ charges: ContractCharge[]; earlyTermination: EarlyTermination | null; waiver: { reason: string; by: string | null; at: Date } | null }> {
  const [rows, waiver, commitment] = await Promise.all([
    db
      .selectFrom("one_off_charges as o")
      .leftJoin("users as u", "u.id", "o.created_by")
      .select(["o.id", "o.kind", "o.charged_on", "o.description", "o.quantity", "o.unit_price_minor", "o.amount_minor", "o.created_at", "u.name as by_name", "u.email as by_email"])
      .where("o.contract_id", "=", contract.id)
      .orderBy("o.charged_on", "desc")
      .orderBy("o.created_at", "desc")
      .orderBy("o.id")
      .execute(),
    db
      .selectFrom("early_termination_waivers as w")
      .leftJoin("users as u", "u.id", "w.waived_by")
      .select(["w.reason", "w.waived_at", "u.name as by_name", "u.email as by_email"])
      .where("w.contract_id", "=", contract.id)
      .executeTakeFirst(),
    // The commitment in force on the last day of service, after tacit renewals (as the billing run).
    sql<{ on: string }>`SELECT contract_commitment_end(${contract.id}::uuid, ${contract.end_on}::date)::text AS on`.execute(db),
  ]);
  return {
    charges: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      chargedOn: r.charged_on,
      description: r.description,
      quantity: r.quantity.includes(".") ? r.quantity.replace(/0+$/, "").replace(/\.$/, "") : r.quantity,
      unitPriceMinor: Number(r.unit_price_minor),
      amountMinor: Number(r.amount_minor),
      by: r.by_name ?? r.by_email ?? null,
      createdAt: r.created_at,
    })),
    earlyTermination: earlyTermination({
      startOn: contract.start_on,
      endOn: contract.end_on,
      termMonths: contract.term_months,
      lines: contract.lines,
      commitmentEndOn: commitment.rows[0]?.on ?? undefined,
    }),
    waiver: waiver ? { reason: waiver.reason, by: waiver.by_name ?? waiver.by_email ?? null, at: waiver.waived_at } : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Exchange rates

const currency = () => fields.choice(RATE_CURRENCIES);

export const RateForm = z
  .object({
    from: currency(),
    to: currency(),
    on: fields.date(),
    rate: z
      .string({ error: "error.required" })
      .trim()
      .min(1, { error: "error.required" })
      .transform((v) => v.replace(",", "."))
      .refine((v) => RATE_RE.test(v) && /[1-9]/.test(v), { error: "billingOpsForms.rateError.bad_rate" }),
  })
  .refine((v) => v.from !== v.to, { path: ["to"], error: "billingOpsForms.rateError.same_currency" });

export const RATE_ERRORS: Record<RateErrorCode, { field: "from" | "to" | "on" | "rate"; key: MessageKey }> = {
  bad_currency: { field: "from", key: "error.invalidChoice" },
  same_currency: { field: "to", key: "billingOpsForms.rateError.same_currency" },
  bad_date: { field: "on", key: "errors.dateRange" },
  bad_rate: { field: "rate", key: "billingOpsForms.rateError.bad_rate" },
};

/** The import form: the pair the file is for (`USD-CDF`), or empty when its lines name it. */
export const RateImportForm = z.object({
  pair: z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (!v) return null;
      const m = /^([A-Z]{3})-([A-Z]{3})$/.exec(v);
      if (!m || !(RATE_CURRENCIES as readonly string[]).includes(m[1]) || !(RATE_CURRENCIES as readonly string[]).includes(m[2]) || m[1] === m[2]) {
        ctx.addIssue({ code: "custom", message: "error.invalidChoice" });
        return z.NEVER;
      }
      return { from: m[1], to: m[2] };
    }),
});

// ---------------------------------------------------------------------------------------------
// Issuers (the CHECKs of site_issuers, 2026_12_01_1000_invoicing)

/** Characters as PostgreSQL counts them (code points; "😀" is one, not two). */
const chars = (v: string) => [...v].length;

/** Required text whose trimmed length is within [min, max]. */
const required = (min: number, max: number) =>
  fields
    .text(max)
    .refine((v) => chars(v) >= min, { error: min > 2 ? "billingOpsForms.issuer.tooShort5" : "billingOpsForms.issuer.tooShort" });

/**
 * A field the form may leave out: missing is read as empty (never zod's `.default`, whose value
 * would skip the checks and transforms that follow).
 */
const absentIsEmpty = () =>
  z
    .string()
    .optional()
    .transform((v) => v ?? "");

/** Optional text: empty (or missing) is NULL; otherwise its trimmed length is within [min, max]. */
const optional = (min: number, max: number) =>
  absentIsEmpty()
    .transform((v) => v.trim())
    .refine((v) => chars(v) <= max, { error: "error.tooLong" })
    .refine((v) => v === "" || chars(v) >= min, { error: min > 2 ? "billingOpsForms.issuer.tooShort5" : "billingOpsForms.issuer.tooShort" })
    .transform((v) => (v ? v : null));

/** Multi-line text (line breaks kept, normalised to \n); at most `max` characters; empty is NULL. */
const multiline = (max: number) =>
  absentIsEmpty()
    .transform((v) => v.replace(/\r\n?/g, "\n").trim())
    .refine((v) => chars(v) <= max, { error: "error.tooLong" })
    .transform((v) => (v ? v : null));

export const IssuerForm = z.object({
  legalName: required(2, 200),
  address: z
    .string({ error: "error.required" })
    .transform((v) => v.replace(/\r\n?/g, "\n").trim())
    .refine((v) => v.length >= 1, { error: "error.required" })
    .refine((v) => chars(v) >= 2, { error: "billingOpsForms.issuer.tooShort" })
    .refine((v) => v.length <= 500, { error: "error.tooLong" }),
  nif: required(2, 50),
  rccm: required(2, 50),
  vatNumber: optional(2, 50),
  bankName: optional(2, 200),
  bankAccount: optional(5, 60),
  swift: absentIsEmpty()
    .transform((v) => v.replace(/\s+/g, "").toUpperCase())
    .refine((v) => v === "" || /^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(v), { error: "billingOpsForms.issuer.swiftInvalid" })
    .transform((v) => (v ? v : null)),
  mobileMoney: multiline(1000),
  footerFr: multiline(1000),
  footerEn: multiline(1000),
});

export type IssuerFormData = z.infer<typeof IssuerForm>;
