import { fr, type MessageKey } from "./fr";
import { en } from "./en";
import { formatMessage, type Locale, type Messages, type MessageValues } from "./format";

export * from "./format";

const dictionaries: Record<Locale, Messages> = { fr, en };

export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === "string" && value in fr;
}

/** Every message of a locale: what the server renders with and what the dictionary file holds. */
export function messagesFor(locale: Locale): Messages {
  return dictionaries[locale];
}

/** Translate a key (ICU MessageFormat: `{name}`, plural, select) on the server: e-mails, PDFs, jobs. */
export function t(locale: Locale, key: MessageKey, vars?: MessageValues): string {
  return formatMessage(locale, dictionaries[locale][key] ?? fr[key] ?? key, vars, key);
}
