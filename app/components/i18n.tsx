import { useRouteLoaderData } from "@remix-run/react";
import { useCallback } from "react";
import { dictionaryFor } from "~/i18n/dictionary";
import { DEFAULT_LOCALE, formatCountry, formatDate, formatDateTime, formatMessage, formatMoney, formatNumber, type Locale, type MessageKey, type Messages, type MessageValues } from "~/i18n/format";

type RootData = { locale?: Locale; dictionaryUrl?: string } | undefined;

export function useLocale(): Locale {
  const data = useRouteLoaderData("root") as RootData;
  return data?.locale ?? DEFAULT_LOCALE;
}

/** What the error page says when even the root loader failed (no messages were loaded). */
const FALLBACK: Partial<Messages> = {
  "app.name": "Portail colocation",
  "error.notFound": "Page introuvable",
  "error.notFoundBody": "La page demandée n'existe pas ou vous n'y avez pas accès.",
  "error.forbidden": "Accès refusé",
  "error.notAllowed": "Vous n'avez pas le droit de faire cela.",
  "error.serverError": "Erreur inattendue",
  "error.generic": "Une erreur est survenue. Réessayez.",
  "error.backHome": "Retour à l'accueil",
};

/**
 * `const tr = useT(); tr("signin.title")`, `tr("invoices.count", { count: 3 })` — translate in the
 * user's language (ICU MessageFormat: plural and select). The browser holds only that language's
 * dictionary, fetched once as a cached file (i18n/dictionary.ts); the server has both.
 */
export function useT() {
  const locale = (useRouteLoaderData("root") as RootData)?.locale;
  // No root data (the root loader failed): the same fallback on the server and in the browser.
  const messages = locale ? dictionaryFor(locale) : undefined;
  const formatLocale = locale ?? DEFAULT_LOCALE;
  return useCallback(
    (key: MessageKey, vars?: MessageValues) => formatMessage(formatLocale, messages?.[key] ?? FALLBACK[key] ?? key, vars, key),
    [messages, formatLocale],
  );
}

export function useFormat() {
  const locale = useLocale();
  return {
    money: (minor: number, currency: string) => formatMoney(minor, currency, locale),
    number: (n: number, options?: Intl.NumberFormatOptions) => formatNumber(n, locale, options),
    date: (d: Date | string, timeZone?: string) => formatDate(d, locale, timeZone),
    dateTime: (d: Date | string, timeZone?: string) => formatDateTime(d, locale, timeZone),
    country: (code: string) => formatCountry(code, locale),
  };
}
