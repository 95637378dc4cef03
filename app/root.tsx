import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ClientLoaderFunctionArgs, ShouldRevalidateFunction } from "@remix-run/react";
import { json } from "@remix-run/node";
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import styles from "~/styles/app.css";
import { currentSession } from "~/modules/auth/session.server";
import { requestLocale } from "~/utils/request.server";
import { useNonce } from "~/components/nonce";
import { useLocale } from "~/components/i18n";
import { Brand } from "~/components/shell";
import { useFocusAfterNavigation } from "~/components/focus";
import { ErrorContent, markHydrated, useDocumentRequestId } from "~/components/error-page";
import { useEffect } from "react";
import { dictionaryUrl } from "~/i18n/dictionary.server";
import { dictionaryFor, loadDictionary } from "~/i18n/dictionary";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: (data && dictionaryFor(data.locale)?.["app.name"]) ?? "Portail colocation" },
];

/**
 * The root's data (the locale and the URL of its dictionary, never the messages themselves)
 * changes only through a form submission (language switch, profile, sign-in or sign-out): plain
 * navigations do not reload it.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod ? defaultShouldRevalidate : false;

export async function loader({ request }: LoaderFunctionArgs) {
  // Also keeps the session cookie's lifetime equal to the server's (refreshed when it slides).
  const { user, setCookie } = await currentSession(request);
  const locale = requestLocale(request, user);
  const audience = user?.operator_role ? "operator" : "tenant";
  return json({ locale, dictionaryUrl: dictionaryUrl(locale, audience) }, setCookie ? { headers: { "Set-Cookie": setCookie } } : undefined);
}

/**
 * After a form submission (a language switch, a sign-in in another language), the new locale's
 * dictionary is fetched before the page renders in it: no flash of keys. On the first load the
 * server's data is used as is (entry.client.tsx fetched the dictionary before hydrating).
 */
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  const data = await serverLoader<typeof loader>();
  await loadDictionary(data.locale, data.dictionaryUrl);
  return data;
}

export function Layout({ children }: { children: React.ReactNode }) {
  const locale = useLocale();
  const dictionary = (useRouteLoaderData("root") as { dictionaryUrl?: string } | undefined)?.dictionaryUrl;
  const nonce = useNonce();
  const requestId = useDocumentRequestId();
  useEffect(markHydrated, []);
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        {requestId ? <meta name="request-id" content={requestId} /> : null}
        {/* Fetched by entry.client.tsx before hydration; cached by the browser (immutable). */}
        {dictionary ? <link rel="preload" href={dictionary} as="fetch" crossOrigin="anonymous" data-i18n-locale={locale} /> : null}
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  useFocusAfterNavigation();
  return <Outlet />;
}

/** The fallback for errors outside the signed-in areas (which keep their shell: app.tsx, ops.tsx). */
export function ErrorBoundary() {
  const error = useRouteError();
  return (
    <div className="public">
      <header className="public-header">
        <Brand />
      </header>
      <main className="public-card">
        <ErrorContent error={error} home="/" />
      </main>
    </div>
  );
}
