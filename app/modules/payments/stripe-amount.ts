import type { Currency } from "#db/schema";

/**
 * Our amounts and Stripe's, in one place (docs/stripe.md).
 *
 * We keep money as integers in the currency's minor unit: francs for XOF and XAF (no decimals),
 * cents for USD. Stripe wants "the smallest currency unit" too, and lists XOF and XAF among its
 * zero-decimal currencies (an amount of 1345200 is 1 345 200 F CFA) and USD with two decimals
 * (121357 is USD 1,213.57). So the numbers map one to one; only the currency code changes case.
 * Any other currency is not offered by card.
 */
export const STRIPE_CURRENCIES = { XOF: "xof", XAF: "xaf", USD: "usd" } as const satisfies Partial<Record<Currency, string>>;
export type StripeCurrency = (typeof STRIPE_CURRENCIES)[keyof typeof STRIPE_CURRENCIES];

/** Stripe refuses a charge above eight digits of the smallest unit (99 999 999 F CFA, USD 999,999.99). */
export const STRIPE_MAX_AMOUNT = 99_999_999;

/** Our minor units → Stripe's amount and currency; null when Stripe cannot charge it. */
export function toStripeAmount(currency: Currency, amountMinor: number): { currency: StripeCurrency; amount: number } | null {
  if (!Object.hasOwn(STRIPE_CURRENCIES, currency)) return null;
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0 || amountMinor > STRIPE_MAX_AMOUNT) return null;
  return { currency: STRIPE_CURRENCIES[currency as keyof typeof STRIPE_CURRENCIES], amount: amountMinor };
}

/** Stripe's amount and currency (from an event) → our minor units; null for anything else. */
export function fromStripeAmount(currency: unknown, amount: unknown): { currency: keyof typeof STRIPE_CURRENCIES; amountMinor: number } | null {
  if (typeof currency !== "string" || typeof amount !== "number") return null;
  const ours = (Object.keys(STRIPE_CURRENCIES) as (keyof typeof STRIPE_CURRENCIES)[]).find((c) => STRIPE_CURRENCIES[c] === currency.toLowerCase());
  if (!ours || !Number.isSafeInteger(amount) || amount < 0) return null;
  return { currency: ours, amountMinor: amount };
}
