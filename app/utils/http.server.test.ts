import { hostHeadersParse, isAllowedOrigin, securityHeaders } from "./http.server";

const post = (extra: Partial<Parameters<typeof isAllowedOrigin>[0]>) =>
  isAllowedOrigin({ method: "POST", path: "/app/members", host: "portal.example.cg", ...extra });

describe("origin check on mutations", () => {
  test("same-origin form posts pass; cross-site ones are refused", () => {
    expect(post({ origin: "https://portal.example.cg" })).toBe(true);
    expect(post({ origin: "https://evil.example" })).toBe(false);
    expect(post({ origin: "https://portal.example.cg.evil.example" })).toBe(false);
  });
  test("without Origin, the Referer decides; with neither, refused", () => {
    expect(post({ referer: "https://portal.example.cg/app/members" })).toBe(true);
    expect(post({ referer: "https://evil.example/page" })).toBe(false);
    expect(post({})).toBe(false);
    expect(post({ origin: "null" })).toBe(false);
    expect(post({ origin: "https://portal.example.cg", referer: "https://evil.example/" })).toBe(true);
    expect(post({ origin: "not a url" })).toBe(false);
  });
  test("Origin: null is refused even with a same-origin Referer", () => {
    expect(post({ origin: "null", referer: "https://portal.example.cg/app/members" })).toBe(false);
    expect(post({ origin: "NULL", referer: "https://portal.example.cg/app/members" })).toBe(false);
  });
  test("X-Forwarded-Host must name the Origin's host", () => {
    expect(post({ origin: "https://portal.example.cg", forwardedHost: "evil.example" })).toBe(false);
    expect(post({ referer: "https://portal.example.cg/x", forwardedHost: "evil.example" })).toBe(false);
    expect(post({ origin: "https://portal.example.cg", forwardedHost: "portal.example.cg" })).toBe(true);
    expect(post({ origin: "https://portal.example.cg", forwardedHost: "Portal.Example.CG, proxy.internal" })).toBe(true);
    expect(post({ host: "127.0.0.1:3000", origin: "https://portail.ldc.tg", forwardedHost: "portail.ldc.tg", appUrl: "https://portail.ldc.tg" })).toBe(true);
  });
  test("host headers that cannot make a URL are recognised (a 400, not a 500)", () => {
    expect(hostHeadersParse({ host: "portal.example.cg", path: "/" })).toBe(true);
    expect(hostHeadersParse({ host: "127.0.0.1:3000", forwardedHost: "portail.ldc.tg", path: "/app" })).toBe(true);
    expect(hostHeadersParse({ host: "portal.example.cg", forwardedHost: "a b", path: "/" })).toBe(false);
    expect(hostHeadersParse({ host: "portal.example.cg", forwardedHost: "evil/x", path: "/" })).toBe(false);
    expect(hostHeadersParse({ host: "[::1", path: "/" })).toBe(false);
  });
  test("APP_URL's host is accepted behind a proxy", () => {
    expect(post({ host: "127.0.0.1:3000", origin: "https://portail.ldc.tg", appUrl: "https://portail.ldc.tg" })).toBe(true);
  });
  test("reads and the token API are not subject to it", () => {
    expect(isAllowedOrigin({ method: "GET", path: "/app", host: "h" })).toBe(true);
    expect(isAllowedOrigin({ method: "POST", path: "/api/v1/usage", host: "h" })).toBe(true);
    expect(isAllowedOrigin({ method: "DELETE", path: "/app/x", host: "h" })).toBe(false);
  });
});

test("security headers: nonce-based CSP, no framing, HSTS only in production", () => {
  const dev = securityHeaders({ nonce: "abc", production: false });
  expect(dev["Content-Security-Policy"]).toContain("script-src 'self' 'nonce-abc'");
  expect(dev["Content-Security-Policy"]).toContain("frame-ancestors 'none'");
  expect(dev["Content-Security-Policy"]).not.toContain("unsafe-eval");
  expect(dev["X-Frame-Options"]).toBe("DENY");
  expect(dev["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
  expect(dev["Strict-Transport-Security"]).toBeUndefined();
  expect(securityHeaders({ nonce: "x", production: true })["Strict-Transport-Security"]).toMatch(/max-age=\d+/);
});

test("the policy is the same string for every response but its nonce", () => {
  const a = securityHeaders({ nonce: "n0nce+/=", production: true })["Content-Security-Policy"];
  expect(a).toBe(
    "default-src 'self'; script-src 'self' 'nonce-n0nce+/='; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
      "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  );
  expect(securityHeaders({ nonce: "other", production: true })["Content-Security-Policy"]).toBe(a.replace("n0nce+/=", "other"));
});
