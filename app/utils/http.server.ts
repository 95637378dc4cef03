/**
 * HTTP rules applied to every response and every mutation, by the server entry (server.ts).
 * Pure functions, so they are unit-tested without a server.
 */

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Mutations must come from our own pages: the Origin (or, failing that, the Referer) must name
 * this host. The token-authenticated API (/api/…) carries no cookie and is exempt.
 */
export function isAllowedOrigin(input: { method: string; path: string; host: string | undefined; origin?: string; referer?: string; appUrl?: string }) {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return true;
  if (input.path.startsWith("/api/")) return true;
  const source = input.origin && input.origin !== "null" ? input.origin : input.referer;
  if (!source) return false;
  let sourceHost: string;
  try {
    sourceHost = new URL(source).host;
  } catch {
    return false;
  }
  const allowed = new Set<string>();
  if (input.host) allowed.add(input.host);
  if (input.appUrl) allowed.add(new URL(input.appUrl).host);
  return allowed.has(sourceHost);
}

export function securityHeaders(opts: { nonce: string; production: boolean }): Record<string, string> {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${opts.nonce}'`,
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
  return {
    "Content-Security-Policy": csp,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    ...(opts.production ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
  };
}
