/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

import "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Per-request CSP nonce for inline scripts. */
    nonce: string;
    /** The client's address as seen by the server (rate limiting, audit). */
    ip: string;
    /** One id per request, shown on error pages and written with every logged error. */
    requestId?: string;
  }
}
