import type { AppLoadContext } from "@remix-run/node";
import { env } from "#db/env.server";
import { isLocale, DEFAULT_LOCALE, type Locale } from "~/i18n";

/** The absolute base for links in e-mails: APP_URL when set, else the request's own origin. */
export function baseUrl(request: Request) {
  return env().APP_URL?.replace(/\/+$/, "") ?? new URL(request.url).origin;
}

export function clientIp(context: AppLoadContext | undefined) {
  return context?.ip || "unknown";
}


const LANG_COOKIE = "lang";

function cookieValue(request: Request, name: string) {
  const header = request.headers.get("Cookie") ?? "";
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
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
