/**
 * The local patch of @remix-run/router (patches/, ADR 020) keeps the ranked branches of a routes
 * array and each compiled path: matching must answer exactly as before, for the portal's own routes,
 * and follow routes patched in later.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createMemoryHistory, createRouter, matchRoutes, type AgnosticRouteObject } from "@remix-run/router";

type Manifest = Record<string, { id: string; parentId?: string; path?: string; index?: boolean; caseSensitive?: boolean }>;

/** The portal's route tree as Remix builds it (from the route files' names, without a build). */
async function portalRoutes(): Promise<AgnosticRouteObject[]> {
  const require = createRequire(import.meta.url);
  const { flatRoutes } = require("@remix-run/dev/dist/config/flat-routes.js") as {
    flatRoutes: (appDirectory: string, ignored?: string[]) => Manifest;
  };
  const manifest = { root: { id: "root", path: "" }, ...flatRoutes("app", ["**/.*", "**/*.test.{ts,tsx}", "**/__*.*", "**/__*/**"]) } as Manifest;
  const build = (parentId?: string): AgnosticRouteObject[] =>
    Object.values(manifest)
      .filter((r) => r.parentId === parentId && r.id !== parentId)
      .map((r) => (r.index ? { id: r.id, path: r.path, index: true as const, caseSensitive: r.caseSensitive } : { id: r.id, path: r.path, caseSensitive: r.caseSensitive, children: build(r.id) }));
  return [{ id: "root", path: "", children: build("root") }];
}

/** The same match on a copy of the routes: its branches flattened and ranked anew, as before the patch. */
function referenceMatch(routes: AgnosticRouteObject[], pathname: string) {
  return matchRoutes(structuredClone(routes), pathname)?.map((m) => [m.route.id, m.params, m.pathname]) ?? null;
}

const PATHS = [
  "/", "/app", "/app/", "/APP/Services", "/app/services", "/app/services/3f1c2a7e-0000-4000-8000-000000000001",
  "/app/services/x/change", "/app/usage/abc", "/app/usage/abc/samples.csv", "/app/invoices", "/app/invoices/export.csv",
  "/app/invoices/1/annex.csv", "/app/nope/deeper", "/ops", "/ops/billing", "/ops/billing/invoices/9", "/ops/sites/LDC",
  "/ops/sites/LDC/inventory", "/ops/whatever/else", "/signin", "/i18n/fr.0123456789abcdef.json", "/verify/LDC-2026-0001",
  "/api/v1/usage", "/no/such/page", "/app/%E2%82%AC", "/app/services/%",
];

describe("route matching with the patched router (cached branches and compiled paths)", () => {
  test("answers like a fresh match for every kind of path of the portal, on the first and later calls", async () => {
    const routes = await portalRoutes();
    const count = (rs: AgnosticRouteObject[]): number => rs.reduce((n, r) => n + 1 + count(r.children ?? []), 0);
    expect(count(routes)).toBeGreaterThan(100);
    expect(matchRoutes(routes, "/app/services")?.map((m) => m.route.id)).toEqual(["root", "routes/app", "routes/app.services._index"]);
    expect(matchRoutes(routes, "/app/usage/abc")?.at(-1)?.params).toEqual({ contractId: "abc" });
    for (let round = 0; round < 3; round++) {
      for (const path of PATHS) {
        const patched = matchRoutes(routes, path)?.map((m) => [m.route.id, m.params, m.pathname]) ?? null;
        expect(patched, `${path} (round ${round})`).toEqual(referenceMatch(routes, path));
      }
    }
  });

  test("routes patched in later are matched (the kept branches are dropped)", () => {
    const router = createRouter({
      routes: [{ id: "root", path: "/", children: [{ id: "a", path: "a" }] }],
      history: createMemoryHistory(),
    });
    expect(matchRoutes(router.routes, "/b")).toBeNull();
    router.patchRoutes("root", [{ id: "b", path: "b" }]);
    expect(matchRoutes(router.routes, "/b")?.map((m) => m.route.id)).toEqual(["root", "b"]);
    router.dispose();
  });

  test("the patch is applied to the installed router (npm install runs patch-package)", () => {
    const require = createRequire(import.meta.url);
    const source = readFileSync(require.resolve("@remix-run/router"), "utf8");
    expect(source).toContain("rankedBranchesCache");
    expect(source).toContain("compiledPaths");
  });
});
