/**
 * The document renderer (entry.server.tsx, ADR 028) through Remix's own request handler, with a
 * small build of three pages: a page is rendered in one pass; a page whose render throws gets the
 * root's error boundary (a 500 with a page, not a broken answer); a page that defers still streams.
 */
import { createRequire } from "node:module";
import { Suspense } from "react";
import { describe, expect, test, vi } from "vitest";
import type { ServerBuild } from "@remix-run/node";
import * as entry from "./entry.server";

// The CommonJS builds, the ones the production server loads (and the patched ones).
const require = createRequire(import.meta.url);
const { createRequestHandler, defer } = require("@remix-run/node") as typeof import("@remix-run/node");
const { Await, Outlet, Scripts, useLoaderData, useRouteError } = require("@remix-run/react") as typeof import("@remix-run/react");

function Root() {
  return (
    <html lang="en">
      <body>
        <Outlet />
        <Scripts />
      </body>
    </html>
  );
}
function RootError() {
  const error = useRouteError();
  return (
    <html lang="en">
      <body>
        <p>error boundary: {error instanceof Error ? error.message : "?"}</p>
      </body>
    </html>
  );
}
function Plain() {
  return <p>plain: {String(useLoaderData())}</p>;
}
function Boom(): JSX.Element {
  throw new Error("render failed");
}
function Later() {
  const data = useLoaderData() as unknown as { slow: Promise<string> };
  return (
    <Suspense fallback={<p>waiting</p>}>
      <Await resolve={data.slow}>{(value) => <p>deferred: {value}</p>}</Await>
    </Suspense>
  );
}

const route = (id: string, path: string | undefined, module: object, parentId?: string) => ({ id, path, parentId, module });
const asset = (id: string, path: string | undefined, parentId: string | undefined, hasLoader: boolean, hasErrorBoundary: boolean) => ({
  id,
  path,
  parentId,
  module: `/build/${id}.js`,
  imports: [],
  hasLoader,
  hasAction: false,
  hasClientLoader: false,
  hasClientAction: false,
  hasErrorBoundary,
});

const build = {
  mode: "production",
  entry: { module: entry },
  routes: {
    root: route("root", "", { default: Root, ErrorBoundary: RootError }),
    plain: route("plain", "plain", { default: Plain, loader: () => "from the loader" }, "root"),
    boom: route("boom", "boom", { default: Boom }, "root"),
    later: route("later", "later", { default: Later, loader: () => defer({ slow: new Promise((r) => setTimeout(() => r("arrived"), 50)) }) }, "root"),
  },
  assets: {
    entry: { module: "/build/entry.js", imports: [] },
    routes: {
      root: asset("root", "", undefined, false, true),
      plain: asset("plain", "plain", "root", true, false),
      boom: asset("boom", "boom", "root", false, false),
      later: asset("later", "later", "root", true, false),
    },
    url: "/build/manifest.js",
    version: "test",
  },
  publicPath: "/build/",
  assetsBuildDirectory: "public/build",
  future: {},
  isSpaMode: false,
} as unknown as ServerBuild;

const handler = createRequestHandler(build, "production");
const get = (path: string) => handler(new Request(`http://portal.test${path}`), { nonce: "n0nce", requestId: "req-1", ip: "127.0.0.1" });

describe("documents (entry.server.tsx)", () => {
  test("a page without deferred data is one complete HTML document", async () => {
    const res = await get("/plain");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await res.text();
    expect(html.startsWith("<!DOCTYPE html><html")).toBe(true);
    expect(html).toContain("<p>plain: <!-- -->from the loader</p>");
    expect(html).toContain('"plain":"from the loader"'); // the loader's data handed to the browser
    expect(html.endsWith("</html>")).toBe(true);
  });

  test("a page whose render throws gets the root's error boundary, as a 500 page", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const res = await get("/boom");
      expect(res.status).toBe(500);
      const html = await res.text();
      expect(html).toContain("error boundary: ");
      expect(html).not.toContain("render failed"); // production: the message stays in the server's log
      expect(logged).toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  test("a page that defers data still streams: the fallback first, the value when it arrives", async () => {
    const res = await get("/later");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("waiting");
    expect(html).toContain("arrived");
  });
});
