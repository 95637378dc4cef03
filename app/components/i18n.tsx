import { useRouteLoaderData } from "@remix-run/react";
import { useCallback } from "react";
import { DEFAULT_LOCALE, t, formatDate, formatDateTime, formatMoney, formatNumber, type Locale, type MessageKey } from "~/i18n";

export function useLocale(): Locale {
  const data = useRouteLoaderData("root") as { locale?: Locale } | undefined;
  return data?.locale ?? DEFAULT_LOCALE;
}

/** `const tr = useT(); tr("signin.title")` — translate in the user's language. */
export function useT() {
  const locale = useLocale();
  return useCallback((key: MessageKey, vars?: Record<string, string | number>) => t(locale, key, vars), [locale]);
}

export function useFormat() {
  const locale = useLocale();
  return {
    money: (minor: number, currency: string) => formatMoney(minor, currency, locale),
    number: (n: number, options?: Intl.NumberFormatOptions) => formatNumber(n, locale, options),
    date: (d: Date | string, timeZone?: string) => formatDate(d, locale, timeZone),
    dateTime: (d: Date | string, timeZone?: string) => formatDateTime(d, locale, timeZone),
    country: (code: string) => new Intl.DisplayNames([locale], { type: "region" }).of(code) ?? code,
  };
}
