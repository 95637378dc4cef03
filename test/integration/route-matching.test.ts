/**
 * The local patch of @remix-run/router (patches/, ADR 020) keeps the ranked branches of a routes
 * array and each compiled path: matching must answer exactly as before, for the portal's own routes,
 * and follow routes patched in later.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AgnosticRouteObject } from "@remix-run/router";

// The CommonJS build, the one the production server loads (and the one patched).
const { createMemoryHistory, createRouter, matchRoutes } = createRequire(import.meta.url)("@remix-run/router") as typeof import("@remix-run/router");

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

/**
 * The reference: React Router's own matching, unpatched — its ES module build, which the patches
 * leave alone (patch-package changes the CommonJS build the server loads) — on a copy of the routes.
 */
const reference = (await import("@remix-run/router/dist/router.js" as string)) as typeof import("@remix-run/router");
function referenceMatch(routes: AgnosticRouteObject[], pathname: string) {
  return reference.matchRoutes(structuredClone(routes), pathname)?.map((m) => [m.route.id, m.params, m.pathname]) ?? null;
}

const PATHS = [
  "/", "/app", "/app/", "/APP/Services", "/app/services", "/app/services/3f1c2a7e-0000-4000-8000-000000000001",
  "/app/services/x/change", "/app/usage/abc", "/app/usage/abc/samples.csv", "/app/invoices", "/app/invoices/export.csv",
  "/app/invoices/1/annex.csv", "/app/nope/deeper", "/ops", "/ops/billing", "/ops/billing/invoices/9", "/ops/sites/LDC",
  "/ops/sites/LDC/inventory", "/ops/whatever/else", "/signin", "/i18n/fr.0123456789abcdef.json", "/verify/LDC-2026-0001",
  "/api/v1/usage", "/no/such/page", "/app/%E2%82%AC", "/app/services/%",
  // First segments the branches' literal-first-segment filter (ADR 026) must treat like the matchers.
  "//app", "/app//services", "/Ops/Billing", "/OPS/SITES/ldc", "/opsx", "/ap", "/app.", "/%61pp/services", "/\u212Aossi",
  "/ops/desk/LDC/security-list.pdf", "/ops/desk/LDC/security-list.PDF", "/app/desk/visits/new", "/verify", "/VERIFY/x", "",
  // Deeper literal segments (the filter compares every literal a branch starts with).
  "/app/Usage/abc", "/app/usagex/abc", "/app/usage", "/app/usage/", "/ops/sites", "/ops/sites/", "/app/services/x/CHANGE",
  "/ops/billing//invoices/9", "/app/desk//visits/new", "/app/desk/visits/new/", "/APP/DESK/VISITS/NEW", "/app/desk/visits/neW",
  "/ops/desk/LDC/security-list.pdf/extra", "/app/desk/\u212Aisits/new", "/app/invoices/export.csv/", "/ops/billing/late-usage",
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
    expect(source).toContain("branchLead");
    // The reference above really is the unpatched matcher.
    expect(readFileSync(require.resolve("@remix-run/router/dist/router.js"), "utf8")).not.toContain("branchLead");
  });
});

/**
 * The local patches of @remix-run/react and react-router-dom (ADR 026) keep the render's route tree
 * per build and its data routes per routes array: each document must still render its own page.
 */
describe("the render's route tree kept between requests", () => {
  test("one routes array serves documents for different paths, each rendering its own page and data", async () => {
    // The CommonJS builds, as the production server loads them through @remix-run/react.
    const require = createRequire(import.meta.url);
    const { createElement } = require("react") as typeof import("react");
    const { renderToString } = require("react-dom/server") as typeof import("react-dom/server");
    const { createStaticHandler, createStaticRouter, StaticRouterProvider } = require("react-router-dom/server.js") as typeof import("react-router-dom/server");
    const { Outlet, useLoaderData } = require("react-router-dom") as typeof import("react-router-dom");
    const Page = ({ name }: { name: string }) => createElement("p", null, `${name}:${String(useLoaderData())}`);
    const routes = [
      {
        id: "root",
        path: "/",
        element: createElement("main", null, createElement(Outlet)),
        children: [
          { id: "a", path: "a", loader: () => "alpha", element: createElement(Page, { name: "A" }) },
          { id: "b", path: "b/:x", loader: ({ params }: { params: { x?: string } }) => `beta-${params.x}`, element: createElement(Page, { name: "B" }) },
        ],
      },
    ];
    const handler = createStaticHandler(routes);
    const render = async (path: string) => {
      const context = await handler.query(new Request(`http://portal.test${path}`));
      if (context instanceof Response) throw new Error("unexpected response");
      const router = createStaticRouter(handler.dataRoutes, context);
      return { html: renderToString(createElement(StaticRouterProvider, { router, context, hydrate: false })), routes: router.routes };
    };
    const first = await render("/a");
    const second = await render("/b/7");
    const third = await render("/b/8");
    expect(first.html).toContain("A:alpha");
    expect(second.html).toContain("B:beta-7");
    expect(third.html).toContain("B:beta-8");
    expect(second.html).not.toContain("A:");
    // Converted once: the same data routes for every document of this routes array.
    expect(second.routes).toBe(first.routes);
    expect(third.routes).toBe(first.routes);
  });

  test("the patches are applied to the installed packages (npm install runs patch-package)", () => {
    const require = createRequire(import.meta.url);
    expect(readFileSync(require.resolve("@remix-run/react/dist/server.js"), "utf8")).toContain("serverRoutesCache");
    expect(readFileSync(require.resolve("react-router-dom/server.js"), "utf8")).toContain("staticDataRoutesCache");
    expect(readFileSync(require.resolve("@remix-run/server-runtime/dist/data.js"), "utf8")).toContain("Local patch (ADR 028)");
    expect(readFileSync(require.resolve("@remix-run/react/dist/components.js"), "utf8")).toContain("Local patch (ADR 028)");
    // What Remix's server build requires is that CommonJS file.
    expect(readFileSync(require.resolve("@remix-run/react/dist/server.js"), "utf8")).toContain("require('react-router-dom/server')");
  });
});

describe("loaders' requests (the local patch of @remix-run/server-runtime, ADR 028)", () => {
  const { callRouteLoader } = createRequire(import.meta.url)("@remix-run/server-runtime/dist/data.js") as {
    callRouteLoader: (args: { loader: (a: { request: Request }) => unknown; request: Request; params: object; routeId: string; singleFetch: boolean; loadContext: object }) => Promise<unknown>;
  };
  /** The request a loader receives for `request`, as Remix calls it for a document or a data request. */
  async function received(request: Request): Promise<Request> {
    let seen: Request | undefined;
    await callRouteLoader({ loader: ({ request: r }) => ((seen = r), null), request, params: {}, routeId: "routes/x", singleFetch: false, loadContext: {} });
    return seen!;
  }

  test("nothing to strip: the loader gets the request itself, not a copy", async () => {
    const request = new Request("http://portal.test/app/usage/1?month=2026-11", { headers: { cookie: "a=b" } });
    expect(await received(request)).toBe(request);
  });

  test("Remix's own parameters are still stripped, on a copy that follows the original's abort", async () => {
    const controller = new AbortController();
    for (const [url, expected] of [
      ["http://portal.test/app/x?index&month=2026-11", "http://portal.test/app/x?month=2026-11"],
      ["http://portal.test/app/x?_data=routes%2Fapp&month=2026-11", "http://portal.test/app/x?month=2026-11"],
      ["http://portal.test/app/x?index=kept&_data=routes%2Fapp", "http://portal.test/app/x?index=kept"],
    ]) {
      const request = new Request(url, { headers: { cookie: "a=b" }, signal: controller.signal });
      const seen = await received(request);
      expect(seen).not.toBe(request);
      expect(seen.url).toBe(expected);
      expect(seen.headers.get("cookie")).toBe("a=b");
    }
    const request = new Request("http://portal.test/app/x?index", { signal: controller.signal });
    const seen = await received(request);
    controller.abort();
    expect(seen.signal.aborted).toBe(true);
  });
});
