/// <reference types="vite/client" />
import { fr } from "./fr";
import { en } from "./en";
import { IntlMessageFormat } from "intl-messageformat";
import { currencyDecimals, fill, formatCountry, formatDate, formatDateTime, formatMessage, formatMoney, formatNumber, minorToDecimalString, t, type Locale } from ".";

const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

type ArgumentKind = "text" | "number" | "select";
/** A message's arguments and what they take (a count for plural and `{n, number}`, a choice for select, else text). */
function argumentsOf(message: string, locale: Locale): Map<string, ArgumentKind> {
  const found = new Map<string, ArgumentKind>();
  // Element types of @formatjs/icu-messageformat-parser: 1 argument, 2 number, 5 select, 6 plural.
  type El = { type: number; value?: string; options?: Record<string, { value: El[] }> };
  const walk = (elements: El[]) => {
    for (const el of elements) {
      if (el.type === 1 && !found.has(el.value!)) found.set(el.value!, "text");
      if (el.type === 2 || el.type === 6) found.set(el.value!, "number");
      if (el.type === 5) found.set(el.value!, "select");
      for (const option of Object.values(el.options ?? {})) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(message, locale, undefined, { ignoreTag: true }).getAst() as El[]);
  return found;
}

describe("money formatting from integer minor units", () => {
  test("currency decimals: XOF and XAF have none, USD two", () => {
    expect(currencyDecimals("XOF")).toBe(0);
    expect(currencyDecimals("XAF")).toBe(0);
    expect(currencyDecimals("USD")).toBe(2);
  });
  test("minor units become an exact decimal string", () => {
    expect(minorToDecimalString(450000, 0)).toBe("450000");
    expect(minorToDecimalString(90000, 2)).toBe("900.00");
    expect(minorToDecimalString(5, 2)).toBe("0.05");
    expect(minorToDecimalString(-1234, 2)).toBe("-12.34");
    // Past 2^53 no digit is lost.
    expect(minorToDecimalString(12345678901234567891n, 2)).toBe("123456789012345678.91");
  });
  test("French and English formats", () => {
    expect(nbsp(formatMoney(1250000, "XOF", "fr"))).toBe("1 250 000 F CFA");
    expect(nbsp(formatMoney(1250000, "XAF", "fr"))).toBe("1 250 000 FCFA");
    expect(nbsp(formatMoney(123456, "USD", "fr"))).toBe("1 234,56 $US");
    expect(formatMoney(123456, "USD", "en")).toBe("$1,234.56");
    expect(nbsp(formatMoney(1250000, "XOF", "en"))).toBe("F CFA 1,250,000");
  });
  test("kept formatters answer per locale, currency, options and time zone (in any order of calls)", () => {
    expect(formatMoney(123456, "USD", "en")).toBe("$1,234.56");
    expect(nbsp(formatMoney(123456, "USD", "fr"))).toBe("1 234,56 $US");
    expect(formatMoney(123456, "USD", "en")).toBe("$1,234.56");
    expect(formatNumber(0.18, "en", { style: "percent" })).toBe("18%");
    expect(formatNumber(0.18, "en")).toBe("0.18");
    expect(formatNumber(0.1875, "en", { style: "percent", maximumFractionDigits: 2 })).toBe("18.75%");
    const instant = new Date("2026-11-30T23:30:00Z");
    expect(formatDate(instant, "en")).toBe("Nov 30, 2026");
    expect(formatDate(instant, "en", "Africa/Lagos")).toBe("Dec 1, 2026");
    expect(formatDateTime(instant, "en", "Africa/Lagos")).toBe("Dec 1, 2026, 12:30 AM");
    expect(formatCountry("TG", "fr")).toBe("Togo");
    expect(formatCountry("CD", "en")).toBe("Congo - Kinshasa");
  });
});

describe("dictionaries", () => {
  test("English has exactly the French keys, each non-empty", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    for (const [key, value] of Object.entries(en)) expect(value.trim(), key).not.toBe("");
  });
  test("no area's message is shadowed by another area or by the base dictionary (a duplicate key shows the wrong words)", () => {
    const areas = import.meta.glob<Record<string, Record<string, string>>>("./areas/*.ts", { eager: true });
    let checked = 0;
    for (const [file, exports] of Object.entries(areas)) {
      for (const [name, messages] of Object.entries(exports)) {
        const dictionary: Record<string, string> | undefined = name.endsWith("Fr") ? fr : name.endsWith("En") ? en : undefined;
        if (!dictionary) continue;
        for (const [key, value] of Object.entries(messages)) {
          expect(dictionary[key], `${file} ${name} ${key}`).toBe(value);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
  test("arguments match between languages (name and kind: a plural in one may be a plain number in the other)", () => {
    for (const key of Object.keys(fr) as (keyof typeof fr)[]) expect([...argumentsOf(en[key], "en").keys()].sort(), key).toEqual([...argumentsOf(fr[key], "fr").keys()].sort());
  });
  test("every message of both dictionaries parses as ICU MessageFormat and formats with sample values", () => {
    let checked = 0;
    for (const [locale, dictionary] of [["fr", fr], ["en", en]] as const) {
      for (const [key, message] of Object.entries(dictionary)) {
        const args = argumentsOf(message, locale);
        for (const sample of [0, 1, 2, 1234]) {
          const values = Object.fromEntries([...args].map(([name, kind]) => [name, kind === "number" ? sample : kind === "select" ? "other" : `‹${name}›`]));
          // Straight through the library (formatMessage would hide an error behind its fallback).
          const text = String(new IntlMessageFormat(message, locale, undefined, { ignoreTag: true }).format(values));
          expect(text, `${locale} ${key}`).not.toMatch(/[{}]/);
          // A message without plural or select reads exactly as written: ICU quoting changed nothing
          // (an apostrophe before a brace would have started a quoted literal).
          if (![...args.values()].some((kind) => kind !== "text")) expect(text, `${locale} ${key}`).toBe(fill(message, values));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(4 * 2 * 1500);
  });
  test("plurals read right in both languages: French \"one\" is 0 and 1, English only 1", () => {
    const units = (locale: Locale, n: number) => nbsp(formatMessage(locale, "{n, plural, one {# unité} other {# unités}}", { n }));
    expect([0, 1, 2, 1500].map((n) => units("fr", n))).toEqual(["0 unité", "1 unité", "2 unités", "1 500 unités"]);
    expect([0, 1, 2].map((n) => t("fr", "dashboard.paymentTermsValue", { days: n }))).toEqual(["0 jour", "1 jour", "2 jours"]);
    expect([0, 1, 2].map((n) => t("en", "dashboard.paymentTermsValue", { days: n }))).toEqual(["0 days", "1 day", "2 days"]);
    expect([1, 12].map((months) => t("en", "requests.termValue", { months }))).toEqual(["1 month", "12 months"]);
    expect([1, 12].map((months) => t("fr", "requests.termValue", { months }))).toEqual(["1 mois", "12 mois"]);
    expect([1, 3].map((count) => t("fr", "invoices.count", { count }))).toEqual(["1 facture", "3 factures"]);
    expect([1, 3].map((count) => t("en", "invoices.count", { count }))).toEqual(["1 invoice", "3 invoices"]);
    expect(t("fr", "approvals.ask.full_rack", { n: 1 })).toBe("1 baie complète");
    expect(t("fr", "approvals.ask.full_rack", { n: 2 })).toBe("2 baies complètes");
    expect(t("en", "approvals.ask.half_rack", { n: 1 })).toBe("1 half rack");
    expect(nbsp(t("fr", "inventory.elevation.summary", { used: 1, free: 41, height: 42 }))).toBe("1 U alloué, 41 U libres sur 42.");
    expect(t("fr", "billingOps.run.reviewDrafts", { count: 1 })).toBe("Relire le brouillon");
    expect(t("fr", "billingOps.run.reviewDrafts", { count: 4 })).toBe("Relire les 4 brouillons");
    expect(t("en", "billingOps.issueAll.button", { count: 4 })).toBe("Issue the 4 drafts");
    // select: a list cut short says so.
    expect(t("fr", "meteringOps.import.failedTitle", { count: 1, truncated: "no" })).toBe("Import refusé : 1 erreur");
    expect(nbsp(t("en", "meteringOps.import.failedTitle", { count: 1000, truncated: "yes" }))).toBe("Import refused: 1,000+ errors");
    // A plain {name} is the value as given: a year or a number is never regrouped.
    expect(t("fr", "billingAnnex.late.invoice", { number: 2026 })).toBe("Facture 2026");
  });
  test("compiled formats are cached per locale and key, and a changed message is compiled again", () => {
    expect(formatMessage("fr", "{n, plural, one {# jour} other {# jours}}", { n: 2 }, "test.key")).toBe("2 jours");
    expect(formatMessage("fr", "{n, plural, one {# nuit} other {# nuits}}", { n: 2 }, "test.key")).toBe("2 nuits");
    expect(formatMessage("en", "{n, plural, one {# night} other {# nights}}", { n: 1 }, "test.key")).toBe("1 night");
  });
  test("t() replaces placeholders", () => {
    expect(t("fr", "signup.done", { email: "a@b.test" })).toBe("Compte créé. Nous avons envoyé un lien de confirmation à a@b.test.");
    expect(t("en", "dashboard.paymentTermsValue", { days: 60 })).toBe("60 days");
  });
});
