import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { json } from "@remix-run/node";
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
} from "@remix-run/react";
import styles from "~/styles/app.css";
import { currentSession } from "~/modules/auth/session.server";
import { requestLocale } from "~/utils/request.server";
import { useNonce } from "~/components/nonce";
import { useLocale } from "~/components/i18n";
import { Brand } from "~/components/shell";
import { ErrorContent, markHydrated, useDocumentRequestId } from "~/components/error-page";
import { useEffect } from "react";
import { messagesFor } from "~/i18n";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.messages["app.name"] ?? "Portail colocation" }];

/**
 * The root's data (locale and that locale's messages) changes only through a form submission
 * (language switch, profile, sign-in or sign-out): plain navigations do not reload it.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod ? defaultShouldRevalidate : false;

export async function loader({ request }: LoaderFunctionArgs) {
  // Also keeps the session cookie's lifetime equal to the server's (refreshed when it slides).
  const { user, setCookie } = await currentSession(request);
  const locale = requestLocale(request, user);
  return json({ locale, messages: messagesFor(locale) }, setCookie ? { headers: { "Set-Cookie": setCookie } } : undefined);
}

export function Layout({ children }: { children: React.ReactNode }) {
  const locale = useLocale();
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
