import type { Currency, PaymentMethod } from "#db/schema";

/** The ways money reaches us (billing.md `METHOD`), and the currencies payments are taken in. Shared with the pages. */
export const PAYMENT_METHODS = [
  "bank_transfer",
  "mtn_momo",
  "moov_flooz",
  "orange_money",
  "airtel_money",
  "mpesa",
  "cash",
  "cheque",
  "card",
] as const satisfies readonly PaymentMethod[];
export type { PaymentMethod };

export const PAYMENT_CURRENCIES = ["XOF", "XAF", "USD"] as const satisfies readonly Currency[];
export type PaymentCurrency = (typeof PAYMENT_CURRENCIES)[number];
