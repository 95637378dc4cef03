import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fr } from "./fr";
import { en } from "./en";
import { audienceMessages, currentDictionary, dictionaryResponse, OPERATOR_ONLY_GROUPS } from "./dictionary.server";

/**
 * Tenants' browsers get the dictionary without the operator-only groups (dictionary.server.ts).
 * A key of those groups used by a page a tenant (or a visitor) can open would show as its key once
 * the browser renders it. So: every file such a page can reach — the root, the client entry, every
 * route outside /ops and everything they import, server modules included (they return message
 * keys the page then translates) — names no key of those groups, literally or as a template prefix.
 */
const APP = resolve(__dirname, "..");
const ALIASES: [string, string][] = [
  ["~/", APP],
  ["#db/", resolve(APP, "../db")],
  ["#emails/", resolve(APP, "../emails")],
];

function resolveImport(from: string, spec: string): string | null {
  const alias = ALIASES.find(([prefix]) => spec.startsWith(prefix));
  const base = alias ? join(alias[1], spec.slice(alias[0].length)) : spec.startsWith(".") ? resolve(dirname(from), spec) : null;
  if (!base) return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx")]) {
    if (/\.(ts|tsx)$/.test(candidate) && existsSync(candidate)) return candidate;
  }
  return null;
}

function tenantReachableFiles() {
  const routes = readdirSync(join(APP, "routes")).filter((f) => !/^ops([._]|\.tsx$)/.test(f));
  const stack = [join(APP, "root.tsx"), join(APP, "entry.client.tsx"), ...routes.map((f) => join(APP, "routes", f))];
  const seen = new Set<string>();
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    // The dictionaries themselves list every key; they are what is being split.
    if (file.includes("/i18n/areas/") || /\/i18n\/(fr|en)\.ts$/.test(file)) continue;
    for (const m of readFileSync(file, "utf8").matchAll(/(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/g)) {
      const target = resolveImport(file, m[1]);
      if (target) stack.push(target);
    }
  }
  return [...seen].filter((f) => !f.includes("/i18n/areas/") && !/\/i18n\/(fr|en)\.ts$/.test(f));
}

test("no page a tenant or a visitor can open names a message of the operator-only groups", () => {
  const files = tenantReachableFiles();
  // The walk really covers the tenant area: its layout, its pages, the shared components.
  expect(files.some((f) => f.endsWith("routes/app.tsx"))).toBe(true);
  expect(files.some((f) => f.endsWith("routes/app.usage.$contractId.tsx"))).toBe(true);
  expect(files.some((f) => f.endsWith("components/shell.tsx"))).toBe(true);
  expect(files.length).toBeGreaterThan(100);
  const found: string[] = [];
  const pattern = new RegExp(`["'\`](${OPERATOR_ONLY_GROUPS.join("|")})\\.`, "g");
  for (const file of files) {
    for (const m of readFileSync(file, "utf8").matchAll(pattern)) found.push(`${file.slice(APP.length + 1)}: ${m[1]}.…`);
  }
  expect(found).toEqual([]);
});

test("the operator-only groups are groups of the dictionary, and the walk would see one of their keys", () => {
  const groups = new Set(Object.keys(fr).map((k) => k.split(".")[0]));
  for (const g of OPERATOR_ONLY_GROUPS) expect(groups.has(g), g).toBe(true);
  // An operator page does use them (the check above is not vacuous).
  expect(readFileSync(join(APP, "routes/ops.billing._index.tsx"), "utf8")).toMatch(/["'`]billingOps\./);
});

test("a tenant's dictionary is every message but those groups; an operator's is every message", async () => {
  for (const [locale, all] of [["fr", fr], ["en", en]] as const) {
    const tenant = audienceMessages(locale, "tenant");
    const dropped = Object.keys(all).filter((k) => !(k in tenant));
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.every((k) => OPERATOR_ONLY_GROUPS.includes(k.split(".")[0]))).toBe(true);
    expect(Object.keys(tenant).every((k) => !OPERATOR_ONLY_GROUPS.includes(k.split(".")[0]))).toBe(true);
    expect(audienceMessages(locale, "operator")).toEqual(all);
    // Both served under their own fingerprint, immutable; the tenant's is the lighter.
    const t = currentDictionary(locale, "tenant");
    const o = currentDictionary(locale, "operator");
    expect(t.hash).not.toBe(o.hash);
    expect(t.body.length).toBeLessThan(o.body.length * 0.85);
    for (const file of [t, o]) {
      const response = dictionaryResponse(file.name);
      expect(response.headers.get("Cache-Control")).toContain("immutable");
      expect(await response.text()).toBe(file.body);
    }
  }
});
