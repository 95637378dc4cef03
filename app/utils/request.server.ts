import type { AppLoadContext } from "@remix-run/node";
import { env } from "#db/env.server";
import { isLocale, DEFAULT_LOCALE, type Locale } from "~/i18n";

/**
 * The absolute base for links in e-mails, from configuration only: `APP_URL` (required in
 * production), else `http://localhost:${PORT}` in development. Never from the request's `Host`
 * or `X-Forwarded-*` headers, which a client chooses (a reset link mailed to evil.example).
 */
export function appUrl(): string {
  const { APP_URL, PORT } = env();
  return APP_URL ? APP_URL.replace(/\/+$/, "") : `http://localhost:${PORT}`;
}

/** @deprecated The request is ignored: links come from configuration. Use `appUrl()`. */
export function baseUrl(_request?: Request): string {
  return appUrl();
}

const SESSION_COOKIE = "colo_session";

/**
 * Authenticated answers must not be stored by the browser or a shared cache: every page and data
 * request under /app or /ops, and any request that carries a session cookie.
 */
export function isPrivateRequest(request: Request): boolean {
  const { pathname } = new URL(request.url);
  if (/^\/(app|ops)(\/|$)/.test(pathname)) return true;
  return cookieValue(request, SESSION_COOKIE) !== undefined;
}

/** Mark a response's headers `Cache-Control: private, no-store` when the request is private. */
export function applyPrivateCaching(request: Request, headers: Headers) {
  if (isPrivateRequest(request)) headers.set("Cache-Control", "private, no-store");
}

/** The same, for a whole response (a copy when its headers are immutable). */
export function withPrivateCaching(request: Request, response: Response): Response {
  if (!isPrivateRequest(request)) return response;
  try {
    response.headers.set("Cache-Control", "private, no-store");
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set("Cache-Control", "private, no-store");
    return copy;
  }
}

export function clientIp(context: AppLoadContext | undefined) {
  return context?.ip || "unknown";
}


const LANG_COOKIE = "lang";

function cookieValue(request: Request, name: string) {
  const header = request.headers.get("Cookie") ?? "";
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join("="));
    } catch {
      return v.join("="); // a malformed %-escape is not a reason for a 500
    }
  }
  return undefined;
}

/** The signed-in user's language, else the `lang` cookie, else French. */
export function requestLocale(request: Request, user?: { locale: Locale } | null): Locale {
  if (user) return user.locale;
  const fromCookie = cookieValue(request, LANG_COOKIE);
  return isLocale(fromCookie) ? fromCookie : DEFAULT_LOCALE;
}

export function localeCookie(locale: Locale) {
  return `${LANG_COOKIE}=${locale}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
