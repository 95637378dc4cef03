import { createContext, useContext, useState } from "react";
import { Link, isRouteErrorResponse } from "@remix-run/react";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n/format";

/**
 * The request id of the page being rendered, for the reference an error page shows. The server
 * provides it (entry.server.tsx) and writes it in a `<meta name="request-id">` of the document; the
 * browser reads that meta once, so hydration renders the same text. An error met later, during a
 * client-side navigation, came from another request whose id the browser does not know: no
 * reference is shown then (reloading the page shows one).
 */
export const RequestIdContext = createContext<string | undefined>(undefined);

const documentRequestId = typeof document === "undefined" ? undefined : (document.querySelector('meta[name="request-id"]')?.getAttribute("content") ?? undefined);
let hydrated = false;
/** Called once the document is hydrated (root's effect): later errors come from other requests. */
export const markHydrated = () => {
  hydrated = true;
};

/** The id for the document's `<meta name="request-id">`. */
export function useDocumentRequestId() {
  const fromServer = useContext(RequestIdContext);
  return typeof document === "undefined" ? fromServer : documentRequestId;
}

function useErrorReference() {
  const fromServer = useContext(RequestIdContext);
  const [id] = useState(() => (typeof document === "undefined" ? fromServer : hydrated ? undefined : documentRequestId));
  return id;
}

/** What an error page says: status, title, body and, for unexpected errors, a reference. No message or stack of the error itself. */
export function ErrorContent({ error, home }: { error: unknown; home: string }) {
  const tr = useT();
  const reference = useErrorReference();
  const response = isRouteErrorResponse(error) ? error : undefined;
  const status = response?.status ?? 500;
  const data = response?.data as { message?: unknown } | undefined;
  // A refusal thrown by our own plumbing (readForm, a conflict) names its message key; nothing else is shown.
  const message = data && typeof data === "object" && typeof data.message === "string" && /^errors?\.[A-Za-z.]+$/.test(data.message) ? (data.message as MessageKey) : undefined;
  const title: MessageKey =
    status === 404 ? "error.notFound" : status === 403 ? "error.forbidden" : status === 409 ? "errors.conflictTitle" : status < 500 ? "errors.requestRefused" : "error.serverError";
  const body: MessageKey =
    message ?? (status === 404 ? "error.notFoundBody" : status === 403 ? "error.notAllowed" : status === 409 ? "errors.conflict" : "error.generic");
  return (
    <div className="card error-page">
      <p className="error-code">{status}</p>
      <h1>{tr(title)}</h1>
      <p>{tr(body)}</p>
      {status >= 500 && reference ? (
        <p className="muted">
          {tr("errors.reference", { id: reference })}
          <br />
          {tr("errors.referenceHint")}
        </p>
      ) : null}
      <Link className="btn" to={home}>
        {tr("error.backHome")}
      </Link>
    </div>
  );
}
