import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { json } from "@remix-run/node";
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useRouteError,
  Link,
} from "@remix-run/react";
import styles from "~/styles/app.css";
import { getCurrentUser } from "~/modules/auth/session.server";
import { requestLocale } from "~/utils/request.server";
import { useNonce } from "~/components/nonce";
import { useLocale, useT } from "~/components/i18n";
import { Brand } from "~/components/shell";
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
  const user = await getCurrentUser(request);
  const locale = requestLocale(request, user);
  return json({ locale, messages: messagesFor(locale) });
}

export function Layout({ children }: { children: React.ReactNode }) {
  const locale = useLocale();
  const nonce = useNonce();
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
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

export function ErrorBoundary() {
  const error = useRouteError();
  const tr = useT();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const title = status === 404 ? tr("error.notFound") : status === 403 ? tr("error.forbidden") : tr("error.serverError");
  const body = status === 404 ? tr("error.notFoundBody") : status === 403 ? tr("error.notAllowed") : tr("error.generic");
  return (
    <div className="public">
      <header className="public-header">
        <Brand />
      </header>
      <main className="card public-card error-page">
        <p className="error-code">{status}</p>
        <h1>{title}</h1>
        <p>{body}</p>
        <Link className="btn" to="/">
          {tr("error.backHome")}
        </Link>
      </main>
    </div>
  );
}
