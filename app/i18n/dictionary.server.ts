/**
 * One dictionary file per language, named by a fingerprint of its content:
 * `/i18n/fr.<hash>.json`. The browser caches it for a year (immutable); a changed dictionary gets a
 * new name, so a new deployment is never read from an old cache (ADR 018).
 */
import { createHash } from "node:crypto";
import { LOCALES, messagesFor, type Locale, type Messages } from "~/i18n";

export type DictionaryFile = { locale: Locale; hash: string; name: string; url: string; body: string };

export const DICTIONARY_CACHE_CONTROL = "public, max-age=31536000, immutable";

/** The file of a dictionary: its JSON and a name fingerprinted by that JSON's SHA-256. */
export function dictionaryFile(locale: Locale, messages: Messages): DictionaryFile {
  const body = JSON.stringify(messages);
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 16);
  const name = `${locale}.${hash}.json`;
  return { locale, hash, name, url: `/i18n/${name}`, body };
}

const files = new Map<Locale, DictionaryFile>();

/** The served file of a locale (computed once per process: dictionaries change only with a deployment). */
export function currentDictionary(locale: Locale): DictionaryFile {
  let file = files.get(locale);
  if (!file) {
    file = dictionaryFile(locale, messagesFor(locale));
    files.set(locale, file);
  }
  return file;
}

export function dictionaryUrl(locale: Locale): string {
  return currentDictionary(locale).url;
}

/**
 * The response for `/i18n/<name>`: the current dictionary, immutable-cached when the name is its
 * current one; an older fingerprint (a page opened before a deployment) still gets the current
 * messages but uncached, so no cache ever keeps other content under a name. Anything else: 404.
 */
export function dictionaryResponse(name: string): Response {
  const match = /^([a-z]{2})\.([0-9a-f]{16})\.json$/.exec(name);
  const locale = LOCALES.find((l) => l === match?.[1]);
  if (!match || !locale) return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  const file = currentDictionary(locale);
  return new Response(file.body, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": match[2] === file.hash ? DICTIONARY_CACHE_CONTROL : "no-store",
    },
  });
}
