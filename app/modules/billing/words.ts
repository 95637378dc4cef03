/**
 * An invoice total in words, as francophone invoices state it ("Arrêtée la présente facture à la
 * somme de un million trois cent quarante-cinq mille deux cents francs CFA"). The numbers come from
 * n2words (maintained, fr-FR and en-GB, BigInt-safe): French spelling rules such as
 * "quatre-vingts", "deux cents", "vingt et un", "mille", "deux cents millions" are its job; the
 * currency grammar is ours: singular for 0 and 1 in French, "de" before a currency after a round
 * million or milliard ("un million de francs CFA", "deux milliards d'euros"), the minor unit after
 * "et"/"and" for currencies that have one (USD, CDF, EUR).
 */
import { toCardinal as frCardinal } from "n2words/fr-FR";
import { toCardinal as enCardinal } from "n2words/en-GB";
import { currencyDecimals } from "~/i18n/format";

type Locale = "fr" | "en";
type Noun = { one: string; many: string };
interface CurrencyWords {
  major: Record<Locale, Noun>;
  minor?: Record<Locale, Noun>;
}

const CURRENCIES: Record<string, CurrencyWords> = {
  XOF: { major: { fr: { one: "franc CFA", many: "francs CFA" }, en: { one: "CFA franc", many: "CFA francs" } } },
  XAF: { major: { fr: { one: "franc CFA", many: "francs CFA" }, en: { one: "CFA franc", many: "CFA francs" } } },
  USD: {
    major: { fr: { one: "dollar américain", many: "dollars américains" }, en: { one: "US dollar", many: "US dollars" } },
    minor: { fr: { one: "cent", many: "cents" }, en: { one: "cent", many: "cents" } },
  },
  CDF: {
    major: { fr: { one: "franc congolais", many: "francs congolais" }, en: { one: "Congolese franc", many: "Congolese francs" } },
    minor: { fr: { one: "centime", many: "centimes" }, en: { one: "centime", many: "centimes" } },
  },
  EUR: {
    major: { fr: { one: "euro", many: "euros" }, en: { one: "euro", many: "euros" } },
    minor: { fr: { one: "centime", many: "centimes" }, en: { one: "cent", many: "cents" } },
  },
};

/** A whole number in words ("quatre-vingts", "eighty"). */
export function numberInWords(value: bigint | number, locale: Locale): string {
  const n = BigInt(value);
  if (n < 0n) throw new RangeError("a negative amount has no words here");
  return locale === "fr" ? frCardinal(n) : enCardinal(n);
}

/** "<number> <noun>" with the grammar of each language. */
function counted(n: bigint, noun: Noun, locale: Locale): string {
  const words = numberInWords(n, locale);
  if (locale === "en") return `${words} ${n === 1n ? noun.one : noun.many}`;
  // French: singular up to one ("zéro franc", "un franc"); a round million or milliard takes "de".
  if (n <= 1n) return `${words} ${noun.one}`;
  if (/(?:million|milliard|billion|billiard|trillion)s?$/.test(words)) return `${words} ${/^[aeiouyéèêh]/i.test(noun.many) ? "d'" : "de "}${noun.many}`;
  return `${words} ${noun.many}`;
}

/**
 * An amount in minor units, in words, with its currency: 1345200 XOF (fr) → "un million trois cent
 * quarante-cinq mille deux cents francs CFA"; 123456 USD (en) → "one thousand two hundred and
 * thirty-four US dollars and fifty-six cents".
 */
export function amountInWords(amountMinor: bigint | number, currency: string, locale: Locale): string {
  const words = CURRENCIES[currency];
  if (!words) throw new RangeError(`no words for currency ${currency}`);
  const minor = BigInt(amountMinor);
  if (minor < 0n) throw new RangeError("a negative amount has no words here");
  const decimals = currencyDecimals(currency);
  const factor = 10n ** BigInt(decimals);
  const whole = minor / factor;
  const fraction = minor % factor;
  if (fraction === 0n || !words.minor) return counted(whole, words.major[locale], locale);
  const cents = counted(fraction, words.minor[locale], locale);
  if (whole === 0n) return cents;
  return `${counted(whole, words.major[locale], locale)} ${locale === "fr" ? "et" : "and"} ${cents}`;
}
