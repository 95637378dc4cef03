/**
 * One dictionary file per language and audience, named by a fingerprint of its content:
 * `/i18n/fr.<hash>.json`. The browser caches it for a year (immutable); a changed dictionary gets a
 * new name, so a new deployment is never read from an old cache (ADR 018).
 *
 * Two audiences: operators get every message; tenants and visitors get all but the groups only the
 * operators' area uses (`OPERATOR_ONLY_GROUPS`), a fifth lighter for a first visit on a slow
 * link. `audience.test.ts` checks that no file a tenant's page can reach names a key of those
 * groups. The server renders with every message whatever the audience.
 */
import { createHash } from "node:crypto";
import { LOCALES, messagesFor, type Locale, type Messages } from "~/i18n";

export type Audience = "tenant" | "operator";

/** Message groups (a key's first segment) used only by the operators' area. */
export const OPERATOR_ONLY_GROUPS: readonly string[] = ["billingAnnex", "billingOps", "meteringOps", "outbox", "receivables", "reconcile"];

/** The messages an audience's browser gets. */
export function audienceMessages(locale: Locale, audience: Audience): Messages {
  const all = messagesFor(locale);
  if (audience === "operator") return all;
  return Object.fromEntries(Object.entries(all).filter(([key]) => !OPERATOR_ONLY_GROUPS.includes(key.slice(0, key.indexOf("."))))) as Messages;
}

export type DictionaryFile = { locale: Locale; hash: string; name: string; url: string; body: string };

export const DICTIONARY_CACHE_CONTROL = "public, max-age=31536000, immutable";

/** The file of a dictionary: its JSON and a name fingerprinted by that JSON's SHA-256. */
export function dictionaryFile(locale: Locale, messages: Messages): DictionaryFile {
  const body = JSON.stringify(messages);
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 16);
  const name = `${locale}.${hash}.json`;
  return { locale, hash, name, url: `/i18n/${name}`, body };
}

const files = new Map<string, DictionaryFile>();

/** The served file of a locale and audience (computed once per process: dictionaries change only with a deployment). */
export function currentDictionary(locale: Locale, audience: Audience = "operator"): DictionaryFile {
  const key = `${locale}:${audience}`;
  let file = files.get(key);
  if (!file) {
    file = dictionaryFile(locale, audienceMessages(locale, audience));
    files.set(key, file);
  }
  return file;
}

export function dictionaryUrl(locale: Locale, audience: Audience): string {
  return currentDictionary(locale, audience).url;
}

/**
 * The response for `/i18n/<name>`: the current dictionary of either audience whose fingerprint it
 * names, immutable-cached; an older fingerprint (a page opened before a deployment) gets every
 * current message but uncached, so no cache ever keeps other content under a name. Anything else: 404.
 */
export function dictionaryResponse(name: string): Response {
  const match = /^([a-z]{2})\.([0-9a-f]{16})\.json$/.exec(name);
  const locale = LOCALES.find((l) => l === match?.[1]);
  if (!match || !locale) return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  const current = (["tenant", "operator"] as const).map((audience) => currentDictionary(locale, audience)).find((f) => f.hash === match[2]);
  return new Response((current ?? currentDictionary(locale, "operator")).body, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": current ? DICTIONARY_CACHE_CONTROL : "no-store",
    },
  });
}
