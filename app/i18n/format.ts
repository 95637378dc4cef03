/**
 * Client-safe i18n: locales, placeholder filling and Intl formatting. No dictionary here: the
 * browser receives only its reader's messages from the root loader (see components/i18n.tsx).
 */
import type { MessageKey } from "./fr";

export type { MessageKey };
export type Locale = "fr" | "en";
export const LOCALES: readonly Locale[] = ["fr", "en"];
export const DEFAULT_LOCALE: Locale = "fr";
export type Messages = Record<MessageKey, string>;

export function isLocale(value: unknown): value is Locale {
  return value === "fr" || value === "en";
}

/** Replace `{name}` placeholders. */
export function fill(template: string, vars?: Record<string, string | number>): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (name in vars ? String(vars[name]) : `{${name}}`));
}

const intlLocale = (locale: Locale) => (locale === "fr" ? "fr-FR" : "en-US");

/** Number of decimals a currency has (XOF, XAF: 0; USD: 2). */
export function currencyDecimals(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Integer minor units → exact decimal string ("123456", 2 → "1234.56"), without floating point. */
export function minorToDecimalString(amountMinor: number | bigint, decimals: number): string {
  const value = BigInt(amountMinor);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, "0");
  const whole = decimals ? digits.slice(0, -decimals) : digits;
  const fraction = decimals ? `.${digits.slice(-decimals)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

export function formatMoney(amountMinor: number | bigint, currency: string, locale: Locale): string {
  const decimals = currencyDecimals(currency);
  const formatter = new Intl.NumberFormat(intlLocale(locale), { style: "currency", currency });
  // Intl formats a decimal string exactly (no float conversion).
  return formatter.format(minorToDecimalString(amountMinor, decimals) as unknown as number);
}

export function formatNumber(value: number, locale: Locale, options?: Intl.NumberFormatOptions) {
  return new Intl.NumberFormat(intlLocale(locale), options).format(value);
}

export function formatDate(value: Date | string, locale: Locale, timeZone = "UTC") {
  const date = typeof value === "string" ? new Date(value.length === 10 ? `${value}T00:00:00Z` : value) : value;
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "medium", timeZone }).format(date);
}

export function formatDateTime(value: Date | string, locale: Locale, timeZone = "UTC") {
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "medium", timeStyle: "short", timeZone }).format(
    typeof value === "string" ? new Date(value) : value,
  );
}
