/**
 * HTTP rules applied to every response and every mutation, by the server entry (server.ts).
 * Pure functions, so they are unit-tested without a server.
 */

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The server's own id of the request in progress, set by server.ts on every request (a value the
 * client sent under this name is overwritten). Remix hands each loader its own copy of the request,
 * so this is what tells the loaders of one document request that they serve the same request
 * (see `currentSession`).
 */
export const REQUEST_KEY_HEADER = "x-portal-request-key";

/**
 * Mutations must come from our own pages: the Origin (or, when the browser sends none, the
 * Referer) must name this host. `Origin: null` (a sandboxed frame, a redirect across origins, a
 * `data:` page) is an explicit "opaque origin" and is refused, whatever the Referer says. When a
 * proxy header `X-Forwarded-Host` is present, Remix builds the request's URL from it, so it must
 * name the same host as the Origin too. The token-authenticated API (/api/…) carries no cookie
 * and is exempt.
 */
export function isAllowedOrigin(input: {
  method: string;
  path: string;
  host: string | undefined;
  origin?: string;
  referer?: string;
  appUrl?: string;
  forwardedHost?: string;
}) {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return true;
  if (input.path.startsWith("/api/")) return true;
  // Stripe signs its webhook (POST /webhooks/stripe): no browser origin to check.
  if (input.path.startsWith("/webhooks/")) return true;
  if (input.origin !== undefined && input.origin.trim().toLowerCase() === "null") return false;
  const source = input.origin || input.referer;
  if (!source) return false;
  let sourceHost: string;
  try {
    sourceHost = new URL(source).host;
  } catch {
    return false;
  }
  if (input.forwardedHost !== undefined) {
    const forwarded = input.forwardedHost.split(",")[0].trim().toLowerCase();
    if (forwarded !== sourceHost.toLowerCase()) return false;
  }
  const allowed = new Set<string>();
  if (input.host) allowed.add(input.host.toLowerCase());
  if (input.appUrl) allowed.add(new URL(input.appUrl).host.toLowerCase());
  return allowed.has(sourceHost.toLowerCase());
}

/**
 * Can a URL be built from this request's host headers? Remix's adapter does
 * `new URL(protocol://X-Forwarded-Host or Host + path)`, which throws (a 500) on a malformed one.
 */
export function hostHeadersParse(input: { host: string | undefined; forwardedHost?: string; path: string }) {
  for (const host of [input.host, input.forwardedHost?.split(",")[0].trim()]) {
    if (host === undefined) continue;
    try {
      new URL(`http://${host}${input.path.startsWith("/") ? "" : "/"}`);
      if (!/^[A-Za-z0-9.\-[\]:]+$/.test(host)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

// The policy around the nonce, and the other headers, are the same for every response: built once.
const CSP_BEFORE_NONCE = "default-src 'self'; script-src 'self' 'nonce-";
const CSP_AFTER_NONCE = [
  "'",
  // Inline style attributes (e-mail previews, SVG charts) are allowed; inline scripts are not.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");
const STATIC_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
  "Cross-Origin-Opener-Policy": "same-origin",
};
const HSTS = { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" };

export function securityHeaders(opts: { nonce: string; production: boolean }): Record<string, string> {
  return {
    // default-src 'self'; script-src 'self' 'nonce-…'; style-src …; … frame-ancestors 'none'
    "Content-Security-Policy": CSP_BEFORE_NONCE + opts.nonce + CSP_AFTER_NONCE,
    ...STATIC_HEADERS,
    ...(opts.production ? HSTS : {}),
  };
}
