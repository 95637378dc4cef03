import { Transform } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream, renderToString } from "react-dom/server";
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
  const app = (
    <NonceContext.Provider value={nonce}>
      <RequestIdContext.Provider value={loadContext?.requestId}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </RequestIdContext.Provider>
    </NonceContext.Provider>
  );
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  applyPrivateCaching(request, responseHeaders);
  // Nothing deferred: the document is complete in one pass, rendered to a string (a third of the
  // streaming renderer's CPU: no byte chunks, no stream pipeline). A render error throws, and Remix
  // renders the error boundary instead, as for the stream's shell error.
  const deferred = remixContext.staticHandlerContext.activeDeferreds;
  if (!deferred || Object.keys(deferred).length === 0) {
    // Bytes, not a string: a string body is checked character by character for lone surrogates.
    return new Response(Buffer.from(`<!DOCTYPE html>${renderToString(app)}`), { headers: responseHeaders, status: responseStatusCode });
  }
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(app, {
      nonce,
      [waitForAll ? "onAllReady" : "onShellReady"]() {
        shellRendered = true;
        const body = coalescingStream();
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
    });
    setTimeout(abort, ABORT_DELAY);
  });
}

/**
 * A pass-through that sends what was written in one turn of the event loop as one chunk. React writes
 * a rendered document in pieces of about 2 KB, and downstream each chunk costs a compression flush
 * (the Remix adapter flushes after every chunk) and a socket write: a document went out as 9 flushed
 * gzip pieces, 20 % larger than compressed whole. Later writes (a suspended part streamed in) still
 * leave as soon as they are written, in the next turn.
 */
function coalescingStream() {
  let pending: Buffer[] = [];
  let scheduled = false;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      pending.push(chunk);
      if (!scheduled) {
        scheduled = true;
        setImmediate(sendPending);
      }
      callback();
    },
    flush(callback) {
      sendPending();
      callback();
    },
  });
  function sendPending() {
    scheduled = false;
    if (!pending.length) return;
    const chunk = pending.length === 1 ? pending[0] : Buffer.concat(pending);
    pending = [];
    stream.push(chunk);
  }
  return stream;
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
