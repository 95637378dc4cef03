// Weight of a page's HTML document and of the data a form submission's revalidation reloads
// (every route of the page: root, layout, page), for one or more running servers side by side:
//   node scripts/document-weight.mjs http://localhost:3000 [http://localhost:3001 …]
// Signs in as the demo tenant owner (demo data). Bytes as sent (uncompressed) and gzip.
import { gzipSync } from "node:zlib";

const PAGES = [
  { path: "/app", routes: ["root", "routes/app", "routes/app._index"] },
  { path: "/app/invoices", routes: ["root", "routes/app", "routes/app.invoices._index"] },
];
const EMAIL = process.env.DEMO_EMAIL ?? "owner@kossi.demo.test";
const PASSWORD = process.env.DEMO_PASSWORD ?? "Demo-Colo-2026!";

async function signIn(base) {
  const res = await fetch(`${base}/signin`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base },
    body: new URLSearchParams({ email: EMAIL, password: PASSWORD, redirectTo: "" }),
  });
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  if (!cookie) throw new Error(`${base}: sign-in failed (${res.status})`);
  return cookie;
}

async function bytes(url, cookie) {
  const res = await fetch(url, { headers: { Cookie: cookie, "Accept-Encoding": "identity" } });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  const body = Buffer.from(await res.arrayBuffer());
  return { raw: body.length, gzip: gzipSync(body).length };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const rows = [];
for (const base of process.argv.slice(2)) {
  const cookie = await signIn(base);
  for (const page of PAGES) {
    const html = await bytes(`${base}${page.path}`, cookie);
    const root = await bytes(`${base}${page.path}?_data=root`, cookie);
    let raw = 0, gzip = 0;
    for (const id of page.routes) {
      const part = await bytes(`${base}${page.path}?_data=${encodeURIComponent(id)}`, cookie);
      raw += part.raw;
      gzip += part.gzip;
    }
    rows.push([base, page.path, `${kb(html.raw)} (${kb(html.gzip)} gz)`, `${kb(raw)} (${kb(gzip)} gz)`, `${root.raw} B`]);
  }
}
const head = ["server", "page", "HTML document", "revalidation (all routes)", "of which root"];
const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(width[i])).join("  "));
