import type { MessageKey } from "~/i18n";

/** Field errors as message keys, translated where they are shown. */
export type FieldErrors = Partial<Record<string, MessageKey>>;

/** Stands for the portal's own origin while a redirect target is resolved (never sent anywhere). */
const OWN_ORIGIN = "https://portal.invalid";

/**
 * A same-origin path to go back to after sign-in; anything else falls back to `fallback`.
 *
 * The target must be a plain absolute path ("/app/members?page=2#x") that, resolved against the
 * portal's own origin, stays on it. Controls (tab, newline, NUL — which URL parsers silently drop),
 * backslashes, whitespace (Unicode too) and invisible direction marks are refused before parsing; the answer is the parsed path, search and
 * hash, serialised by the URL parser (ASCII only, safe in a Location header) and never
 * protocol-relative ("/.//evil.example" normalises to "//evil.example" and is refused).
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/") {
  if (typeof to !== "string" || to.length === 0 || to.length > 2048) return fallback;
  if (!to.startsWith("/") || to.startsWith("//")) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\\]/.test(to)) return fallback;
  let url: URL;
  try {
    url = new URL(to, OWN_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== OWN_ORIGIN) return fallback;
  const path = url.pathname + url.search + url.hash;
  if (!path.startsWith("/") || path.startsWith("//") || path.includes("\\")) return fallback;
  return path;
}

/** `?page=N` from a URL, a positive integer (1 when absent or malformed). */
export function pageParam(request: Request) {
  const page = Number(new URL(request.url).searchParams.get("page"));
  return Number.isSafeInteger(page) && page >= 1 && page <= 100_000 ? page : 1;
}

/** What a form action answers: field errors, a form-level error, or a notice — all i18n keys. */
export type FormState = {
  errors?: FieldErrors;
  formError?: MessageKey;
  notice?: MessageKey;
  values?: Record<string, string>;
  done?: string;
  sent?: boolean;
};
