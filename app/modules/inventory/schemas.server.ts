/**
 * Forms of the operator's inventory pages. Messages are i18n keys shown beside the field.
 * Money is typed as an exact decimal string ("900.00") and converted to integer minor units with
 * string arithmetic only — never through a floating-point number.
 */
import { z } from "zod";
import { fields } from "~/utils/forms.server";
import { currencyDecimals, type MessageKey } from "~/i18n";

export type DecimalResult = { ok: true; minor: number } | { ok: false; error: MessageKey };

/** Largest amount a price may have, in minor units (well inside the safe-integer range). */
const MAX_MINOR = 10n ** 13n;

/**
 * "900.00" with 2 decimals → 90000; "15000" with 0 → 15000. Digits and one decimal point (a comma
 * is read as the point, as French users type it); no sign, no spaces, no grouping ("1 250 000" is
 * refused rather than guessed), and never more decimals than the currency has.
 */
export function decimalToMinor(input: string, decimals: number): DecimalResult {
  const text = input.trim();
  const match = /^(\d+)(?:[.,](\d+))?$/.exec(text);
  if (!match) return { ok: false, error: "inventory.error.amountFormat" };
  const [, whole, fraction = ""] = match;
  if (fraction.length > decimals) {
    return { ok: false, error: decimals === 0 ? "inventory.error.amountNoDecimals" : "inventory.error.amountTooManyDecimals" };
  }
  if (whole.length > 16) return { ok: false, error: "inventory.error.amountTooLarge" };
  const minor = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
  if (minor > MAX_MINOR) return { ok: false, error: "inventory.error.amountTooLarge" };
  return { ok: true, minor: Number(minor) };
}

const amount = (decimals: number) =>
  z
    .string({ error: "error.required" })
    .trim()
    .min(1, { error: "error.required" })
    .transform((value, ctx) => {
      const result = decimalToMinor(value, decimals);
      if (result.ok) return result.minor;
      ctx.addIssue({ code: "custom", message: result.error });
      return z.NEVER;
    });

/** A whole number typed in a form, within [min, max]. */
const whole = (min: number, max: number, rangeError: MessageKey) =>
  z
    .string({ error: "error.required" })
    .trim()
    .min(1, { error: "error.required" })
    .regex(/^\d{1,9}$/, { error: "inventory.error.wholeNumber" })
    .transform(Number)
    .pipe(z.number().min(min, { error: rangeError }).max(max, { error: rangeError }));

const id = () => z.uuid({ error: "error.invalid" });

const heightU = () => whole(1, 60, "inventory.error.heightRange");
const watts = () => whole(1, 1_000_000, "inventory.error.wattsRange");

export const RackForm = z.object({
  name: fields.text(60),
  heightU: heightU(),
  powerCapacityW: watts(),
  feedAW: watts(),
  feedBW: watts(),
  status: fields.choice(["active", "maintenance"]),
});

export const NewRoomForm = z.object({
  roomName: fields.text(100),
  roomKind: fields.choice(["data_hall", "meet_me_room"]),
});

export const NewRackForm = z.object({
  rackRoomId: id(),
  rackName: fields.text(60),
  heightU: heightU(),
  powerCapacityW: watts(),
  feedAW: watts(),
  feedBW: watts(),
});

export const NewPortForm = z.object({
  portName: fields.text(60),
  portRoomId: id(),
  media: fields.choice(["smf", "mmf", "cat6"]),
});

export const PortStatusForm = z.object({
  portId: id(),
  status: fields.choice(["active", "maintenance"]),
});

/** "1.5" → "1.50": at least 1, at most two decimals (numeric(5,2) in the database). */
const ratio = () =>
  z
    .string({ error: "error.required" })
    .trim()
    .min(1, { error: "error.required" })
    .regex(/^\d{1,3}(?:[.,]\d{1,2})?$/, { error: "inventory.error.ratioFormat" })
    .transform((value) => {
      const [int, frac = ""] = value.replace(",", ".").split(".");
      return `${Number(int)}.${frac.padEnd(2, "0")}`;
    })
    .refine((value) => Number(value.replace(".", "")) >= 100, { error: "inventory.error.ratioMin" });

export const UplinkForm = z.object({
  uplinkMbps: whole(1, 100_000_000, "inventory.error.uplinkRange"),
  ratio: ratio(),
});

/** The price form of a product, in the site's currency (its number of decimals). */
export function productForm(currency: string) {
  const decimals = currencyDecimals(currency);
  return z.object({
    productId: id(),
    nameFr: fields.text(200),
    nameEn: fields.text(200),
    unitPrice: amount(decimals),
    setupFee: amount(decimals),
  });
}

export const ProductActiveForm = z.object({
  productId: id(),
  active: z.enum(["true", "false"], { error: "error.invalidChoice" }).transform((v) => v === "true"),
});
