/**
 * Client-safe i18n: locales, ICU message formatting and Intl formatting. No dictionary here: the
 * browser fetches its reader's dictionary once, as a fingerprinted file it caches (see
 * i18n/dictionary.ts and ADR 018).
 */
import { IntlMessageFormat } from "intl-messageformat";
import type { MessageKey } from "./fr";

export type { MessageKey };
export type Locale = "fr" | "en";
export const LOCALES: readonly Locale[] = ["fr", "en"];
export const DEFAULT_LOCALE: Locale = "fr";
export type Messages = Record<MessageKey, string>;

export function isLocale(value: unknown): value is Locale {
  return value === "fr" || value === "en";
}

export type MessageValues = Record<string, string | number>;

/**
 * Replace `{name}` placeholders, nothing else: for the PDFs' own label tables, which are plain
 * strings. Dictionary messages go through `formatMessage` (ICU, with plural and select).
 */
export function fill(template: string, vars?: Record<string, string | number>): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (name in vars ? String(vars[name]) : `{${name}}`));
}

const intlLocale = (locale: Locale) => (locale === "fr" ? "fr-FR" : "en-US");

const compiled = new Map<string, { template: string; format: IntlMessageFormat }>();

/**
 * Format an ICU MessageFormat message: `{name}` placeholders, `{n, plural, one {# unité} other
 * {# unités}}`, `{kind, select, a {…} other {…}}`. A simple `{name}` is the value as given
 * (`String(value)`: 2026 stays "2026"); `#` in a plural is the count formatted for the locale.
 * ICU quoting: an apostrophe before `{`, `}`, `<`, `>` (and `#` inside a plural) starts a quoted
 * literal, and `''` is one apostrophe; any other apostrophe (l'organisation) is plain text.
 * Compiled formats are cached per locale and `cacheKey` (the message's key), checked against the
 * template so a changed message is compiled again.
 */
export function formatMessage(locale: Locale, template: string, values?: MessageValues, cacheKey: string = template): string {
  // Nothing ICU could change: no argument and no apostrophe.
  if (!template.includes("{") && !template.includes("'")) return template;
  const id = `${locale}\u0000${cacheKey}`;
  try {
    let entry = compiled.get(id);
    if (!entry || entry.template !== template) {
      // Tags stay text: a message may say "<" or ">".
      entry = { template, format: new IntlMessageFormat(template, intlLocale(locale), undefined, { ignoreTag: true }) };
      compiled.set(id, entry);
    }
    return String(entry.format.format(values));
  } catch (error) {
    // A missing value or a message ICU cannot parse (the dictionary test catches those): show
    // the message with its placeholders filled rather than break the page.
    console.error(`Message ${cacheKey}:`, (error as Error).message);
    return fill(template, values);
  }
}

const decimalsOf = new Map<string, number>();

/** Number of decimals a currency has (XOF, XAF: 0; USD: 2), kept per currency. */
export function currencyDecimals(currency: string): number {
  let decimals = decimalsOf.get(currency);
  if (decimals === undefined) {
    decimals = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    if (decimalsOf.size < 1000) decimalsOf.set(currency, decimals);
  }
  return decimals;
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

/**
 * Intl formatters are costly to build (tens of microseconds each, more than formatting) and
 * immutable once built: one per locale and options, kept for the process (a page of money and dates
 * used to build hundreds per render). The keys come from code and the sites' currencies and time
 * zones, a handful; the cap only guards against a caller passing unbounded options.
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.DisplayNames>();

export function cachedIntl<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.DisplayNames>(key: string, create: () => T): T {
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) {
    // Built before it is kept: options Intl refuses (an unknown time zone) throw on every call.
    formatter = create();
    if (formatters.size >= 1000) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
}

export function formatMoney(amountMinor: number | bigint, currency: string, locale: Locale): string {
  const decimals = currencyDecimals(currency);
  const formatter = cachedIntl(`money\u0000${locale}\u0000${currency}`, () => new Intl.NumberFormat(intlLocale(locale), { style: "currency", currency }));
  // Intl formats a decimal string exactly (no float conversion).
  return formatter.format(minorToDecimalString(amountMinor, decimals) as unknown as number);
}

export function formatNumber(value: number, locale: Locale, options?: Intl.NumberFormatOptions) {
  const key = `number\u0000${locale}\u0000${options ? JSON.stringify(options) : ""}`;
  return cachedIntl(key, () => new Intl.NumberFormat(intlLocale(locale), options)).format(value);
}

export function formatDate(value: Date | string, locale: Locale, timeZone = "UTC") {
  const date = typeof value === "string" ? new Date(value.length === 10 ? `${value}T00:00:00Z` : value) : value;
  return cachedIntl(`date\u0000${locale}\u0000${timeZone}`, () => new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "medium", timeZone })).format(date);
}

export function formatDateTime(value: Date | string, locale: Locale, timeZone = "UTC") {
  return cachedIntl(`datetime\u0000${locale}\u0000${timeZone}`, () => new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "medium", timeStyle: "short", timeZone })).format(
    typeof value === "string" ? new Date(value) : value,
  );
}

/** A country's name in the locale ("TG" → "Togo"), the code itself when Intl has none. */
export function formatCountry(code: string, locale: Locale): string {
  return cachedIntl(`region\u0000${locale}`, () => new Intl.DisplayNames([locale], { type: "region" })).of(code) ?? code;
}
