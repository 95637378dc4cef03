import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceContext } from "./components/nonce";
import { applyPrivateCaching, withPrivateCaching } from "./utils/request.server";
import { RequestIdContext } from "./components/error-page";
import { provideDictionary } from "./i18n/dictionary";
import { LOCALES, messagesFor } from "./i18n";

// The server renders every page complete, in either language, from the dictionaries in memory.
for (const locale of LOCALES) provideDictionary(locale, messagesFor(locale));

const ABORT_DELAY = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext?.nonce ?? "";
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RequestIdContext.Provider value={loadContext?.requestId}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </RequestIdContext.Provider>
      </NonceContext.Provider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          applyPrivateCaching(request, responseHeaders);
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(`[${loadContext?.requestId ?? "-"}] rendering ${new URL(request.url).pathname}:`, error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

/** Every unexpected error of a loader or an action, logged once with the request's id (shown to the user as a reference). */
export function handleError(error: unknown, { request, context }: { request: Request; context?: AppLoadContext }) {
  if (request.signal.aborted) return;
  console.error(`[${context?.requestId ?? "-"}] ${request.method} ${new URL(request.url).pathname}:`, error);
}

/** Data requests (client navigations, form submissions): authenticated answers are never cached. */
export function handleDataRequest(response: Response, { request }: { request: Request }) {
  return withPrivateCaching(request, response);
}
