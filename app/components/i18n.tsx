import { useRouteLoaderData } from "@remix-run/react";
import { useCallback } from "react";
import { DEFAULT_LOCALE, fill, formatDate, formatDateTime, formatMoney, formatNumber, type Locale, type MessageKey, type Messages } from "~/i18n/format";

type RootData = { locale?: Locale; messages?: Messages } | undefined;

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
 * `const tr = useT(); tr("signin.title")` — translate in the user's language, with the messages the
 * root loader sent for that language only (the other language never reaches the browser).
 */
export function useT() {
  const messages = (useRouteLoaderData("root") as RootData)?.messages;
  return useCallback(
    (key: MessageKey, vars?: Record<string, string | number>) => fill(messages?.[key] ?? FALLBACK[key] ?? key, vars),
    [messages],
  );
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
