/// <reference types="vite/client" />
import { fr } from "./fr";
import { en } from "./en";
import { currencyDecimals, formatMoney, minorToDecimalString, t } from ".";

const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

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
  test("placeholders match between languages", () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(fr) as (keyof typeof fr)[]) expect(names(en[key]), key).toEqual(names(fr[key]));
  });
  test("t() replaces placeholders", () => {
    expect(t("fr", "signup.done", { email: "a@b.test" })).toBe("Compte créé. Nous avons envoyé un lien de confirmation à a@b.test.");
    expect(t("en", "dashboard.paymentTermsValue", { days: 60 })).toBe("60 days");
  });
});
