import { fr, type MessageKey } from "./fr";
import { en } from "./en";
import { fill, type Locale, type Messages } from "./format";

export * from "./format";

const dictionaries: Record<Locale, Messages> = { fr, en };

export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === "string" && value in fr;
}

/** Every message of a locale: what the root loader hands to the browser. */
export function messagesFor(locale: Locale): Messages {
  return dictionaries[locale];
}

/** Translate a key, replacing `{name}` placeholders. */
export function t(locale: Locale, key: MessageKey, vars?: Record<string, string | number>): string {
  return fill(dictionaries[locale][key] ?? fr[key] ?? key, vars);
}
