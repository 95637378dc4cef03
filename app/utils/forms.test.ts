import { safeRedirect } from "./forms";

/** What a browser does with a Location header the server sends from a page of the portal. */
function landsOn(location: string) {
  return new URL(location, "https://portal.example.org/signin").origin;
}

describe("safeRedirect", () => {
  test("keeps same-origin paths, with their search and hash", () => {
    expect(safeRedirect("/app/members")).toBe("/app/members");
    expect(safeRedirect("/app/usage/1?month=2026-11#power")).toBe("/app/usage/1?month=2026-11#power");
    expect(safeRedirect("/ops")).toBe("/ops");
    // Normalised by the URL parser, still on the portal.
    expect(safeRedirect("/app/../ops/outbox")).toBe("/ops/outbox");
    expect(safeRedirect("/app/%2F%2Fevil.example")).toBe("/app/%2F%2Fevil.example");
  });

  test("non-ASCII stays on the portal and comes out percent-encoded (safe in a Location header)", () => {
    const out = safeRedirect("/。evil.example");
    expect(out).toBe("/%E3%80%82evil.example");
    expect(() => new Headers({ Location: out })).not.toThrow();
  });

  // Each of these, decoded from a query string or typed in a form, must never leave the portal.
  const hostile = [
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example", // %2F%09%2Fevil.example: URL parsers drop the tab and see //evil.example
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\u0000/evil.example",
    "/\u0000",
    "/app\nSet-Cookie: x=1",
    "/ /evil.example",
    "/\u00a0/evil.example",
    "/\u0085/evil.example",
    "/.//evil.example", // normalises to //evil.example
    "/..//evil.example",
    "/./\\evil.example",
    "/%2e%2e//evil.example",
    "https://evil.example",
    "http:evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " /app",
    "\t/app",
    "evil.example",
    "。evil.example",
    "//evil.example/%2F..",
    "/\\/evil.example",
    "",
    "/" + "a".repeat(5000),
  ];

  test.each(hostile.map((v) => [JSON.stringify(v), v]))("%s falls back", (_label, value) => {
    const out = safeRedirect(value, "/app");
    expect(out).toBe("/app");
  });

  test("whatever comes in, the answer is a valid Location on the portal's own origin", () => {
    const extra = ["/%09/evil.example", "/%0a", "/%00", "/#//evil.example", "/?next=//evil.example", "/@evil.example", "/:@evil.example"];
    for (const value of [...hostile, ...extra]) {
      const out = safeRedirect(value, "/app");
      expect(() => new Headers({ Location: out })).not.toThrow();
      expect(out.startsWith("/") && !out.startsWith("//") && !out.includes("\\")).toBe(true);
      expect(landsOn(out)).toBe("https://portal.example.org");
    }
  });

  test("non-strings fall back", () => {
    expect(safeRedirect(null, "/app")).toBe("/app");
    expect(safeRedirect(undefined)).toBe("/");
    expect(safeRedirect(new File(["x"], "x.txt"), "/ops")).toBe("/ops");
  });
});
