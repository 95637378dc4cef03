/**
 * The dictionaries the components translate with (`useT`), by locale. On the server both are
 * provided at start (entry.server.tsx); in the browser, the reader's one is fetched once from its
 * fingerprinted URL (`/i18n/fr.<hash>.json`, cached for a year) before hydration (entry.client.tsx)
 * and, when the language changes, by the root's clientLoader before the new language renders.
 * The root loader's data names the file; it never carries the messages (ADR 018).
 */
import type { Locale, Messages } from "./format";

const loaded = new Map<Locale, { url: string; messages: Messages }>();
const pending = new Map<string, Promise<void>>();

export function provideDictionary(locale: Locale, messages: Messages, url = "") {
  loaded.set(locale, { url, messages });
}

export function dictionaryFor(locale: Locale): Messages | undefined {
  return loaded.get(locale)?.messages;
}

/** Fetch a locale's dictionary unless the one at `url` is already here (one request per URL at a time). */
export function loadDictionary(locale: Locale, url: string): Promise<void> {
  if (loaded.get(locale)?.url === url) return Promise.resolve();
  let request = pending.get(url);
  if (!request) {
    // Same mode and credentials as the document's <link rel="preload" as="fetch" crossorigin>,
    // so the browser reuses the preloaded response.
    request = fetch(url, { credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(`${url}: ${response.status}`);
        return response.json() as Promise<Messages>;
      })
      .then((messages) => provideDictionary(locale, messages, url))
      .finally(() => pending.delete(url));
    pending.set(url, request);
  }
  return request;
}
