// Gzipped JavaScript each page loads (entry, root, layout and route chunks), from the built manifest.
// Fails when a page exceeds the budget: many tenants are on slow mobile links.
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const BUDGET_KB = 150;
const dir = "public/build";
const manifestFile = readdirSync(dir).find((f) => f.startsWith("manifest-"));
if (!manifestFile) {
  console.error("No build found: run `npm run build` first.");
  process.exit(1);
}
const text = readFileSync(join(dir, manifestFile), "utf8");
const manifest = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1));
const gz = (url) => gzipSync(readFileSync(join("public", url))).length;

function chain(id) {
  const ids = [];
  for (let r = manifest.routes[id]; r; r = manifest.routes[r.parentId]) ids.unshift(r.id);
  return ids;
}

let worst = 0;
const rows = [];
for (const id of Object.keys(manifest.routes)) {
  const route = manifest.routes[id];
  // Resource routes (no component) load no JavaScript of their own.
  if (id !== "root" && readFileSync(join("public", route.module), "utf8").length < 200 && !route.hasErrorBoundary) continue;
  const files = new Set([manifest.url, manifest.entry.module, ...manifest.entry.imports]);
  for (const step of chain(id)) {
    const r = manifest.routes[step];
    files.add(r.module);
    for (const i of r.imports ?? []) files.add(i);
  }
  const kb = [...files].reduce((sum, f) => sum + gz(f), 0) / 1024;
  worst = Math.max(worst, kb);
  rows.push([id, kb]);
}
rows.sort((a, b) => b[1] - a[1]);
for (const [id, kb] of rows) console.log(`${id.padEnd(40)} ${kb.toFixed(1).padStart(6)} KB gzip`);
console.log(`\nLargest page: ${worst.toFixed(1)} KB gzip (budget ${BUDGET_KB} KB)`);
if (worst > BUDGET_KB) {
  console.error("Over budget: keep server code in *.server.ts and choose lighter browser libraries.");
  process.exit(1);
}
