import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { action as inboxAction, loader as inboxLoader } from "~/routes/ops.payments.inbox";
import { action as sourcesAction, loader as sourcesLoader } from "~/routes/ops.payments.sources";
import { createTestDb, type TestDb } from "../support/db";
import { BASE, body, call, formRequest, getRequest } from "../support/http";
import { count, signedIn } from "../support/factories";
import { invoiceState } from "../support/payments-world";
import { ECOBANK_FIELDS, fixture, statementsWorld, type StatementsWorld } from "../support/statements-world";

/**
 * The reconciliation pages through their loaders and actions, with real requests: the inbox's
 * import (multipart), its figures, the line actions, and hostile uploads (4xx, nothing written);
 * the sources page. World and figures: test/support/statements-world.ts.
 */
let t: TestDb;
let db: Kysely<Database>;
let w: StatementsWorld;
type Who = Awaited<ReturnType<typeof signedIn>>;
let finance: Who, noc: Who, tenant: Who;

beforeAll(async () => {
  t = await createTestDb({ reference: true });
  db = t.db;
  w = await statementsWorld(db);
  finance = await signedIn(db, { operatorRole: "ops_finance", email: "finance-pages@dc.test" });
  noc = await signedIn(db, { operatorRole: "ops_noc", email: "noc-pages@dc.test" });
  tenant = await signedIn(db, { orgId: w.kossi, role: "owner", email: "owner-pages@kossi.test" });
}, 120_000);
afterAll(() => t?.cleanup());

function upload(who: { cookie: string }, fields: Record<string, string>, file: Uint8Array | string, name = "releve.csv", type = "text/csv") {
  const form = new FormData();
  form.append("intent", "import");
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("file", new File([file as BlobPart], name, { type }));
  return new Request(`${BASE}/ops/payments/inbox`, { method: "POST", headers: { Origin: BASE, Cookie: who.cookie }, body: form });
}
const post = (who: { cookie: string }, fields: Record<string, string>) => call(inboxAction, formRequest("/ops/payments/inbox", fields, { cookie: who.cookie }));
const view = async (site = "LDC") => {
  const res = await call(inboxLoader, getRequest(`/ops/payments/inbox?site=${site}`, { cookie: finance.cookie }));
  expect(res.status).toBe(200);
  return (await body(res)).view;
};
const written = async () => ({
  lines: await count(db, "statement_lines"),
  imports: await count(db, "statement_imports"),
  payments: await count(db, "payments"),
  sources: await count(db, "statement_sources"),
  audit: await count(db, "audit_log"),
});

describe("the reconciliation pages", () => {
  let sourceId: string;

  test("finance creates the bank's source with its CSV mapping; a duplicate name is a 409; operators without payments:record get 403", async () => {
    const fields = { ...ECOBANK_FIELDS, name: "Ecobank Togo" };
    expect((await call(sourcesAction, formRequest("/ops/payments/sources", fields, { cookie: noc.cookie }))).status).toBe(403);
    const before = await written();
    const missing = await call(sourcesAction, formRequest("/ops/payments/sources", { ...fields, amountColumn: "" }, { cookie: finance.cookie }));
    expect(missing.status).toBe(400);
    expect((await body(missing)).errors).toEqual({ amountColumn: "error.required" });
    expect(await written()).toEqual(before);
    const ok = await call(sourcesAction, formRequest("/ops/payments/sources", fields, { cookie: finance.cookie }));
    expect(ok.status).toBe(302);
    const dup = await call(sourcesAction, formRequest("/ops/payments/sources", { ...fields, name: "ECOBANK TOGO" }, { cookie: finance.cookie }));
    expect(dup.status).toBe(409);
    const list = await body(await call(sourcesLoader, getRequest("/ops/payments/sources?site=LDC", { cookie: finance.cookie })));
    expect(list.sources).toHaveLength(1);
    sourceId = list.sources[0].id;
    // Edit: the name changes, audited as an update.
    const edited = await call(sourcesAction, formRequest("/ops/payments/sources", { ...fields, id: sourceId, name: "Ecobank Togo — courant" }, { cookie: finance.cookie }));
    expect(edited.status).toBe(302);
    expect(await db.selectFrom("statement_sources").select("name").execute()).toEqual([{ name: "Ecobank Togo — courant" }]);
    expect((await db.selectFrom("audit_log").select("action").where("action", "like", "statement.source%").orderBy("at").execute()).map((a) => a.action)).toEqual([
      "statement.source_created",
      "statement.source_updated",
    ]);
    expect((await call(inboxLoader, getRequest("/ops/payments/inbox", { cookie: noc.cookie }))).status).toBe(403);
    expect([302, 403, 404]).toContain((await call(inboxLoader, getRequest("/ops/payments/inbox", { cookie: tenant.cookie }))).status);
  });

  test("hostile uploads are a 4xx with a clear message, and write nothing", async () => {
    const before = await written();
    const csv = (row: string) => `Date valeur;Libellé;Montant;Devise;Référence\n${row}\n`;
    const cases: [string, Request, number, string?][] = [
      ["json body", new Request(`${BASE}/ops/payments/inbox`, { method: "POST", headers: { Origin: BASE, Cookie: finance.cookie, "Content-Type": "application/json" }, body: "{}" }), 415],
      ["binary file", upload(finance, { site: "LDC", source: sourceId }, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), "photo.png", "image/png"), 400, "notText"],
      ["huge amount", upload(finance, { site: "LDC", source: sourceId }, csv("20/11/2026;VIR;99999999999999999999,00;XOF;H-1")), 400, "amountTooLarge"],
      ["year 9999", upload(finance, { site: "LDC", source: sourceId }, csv("20/11/9999;VIR;1 000,00;XOF;H-2")), 400, "dateRange"],
      ["control characters", upload(finance, { site: "LDC", source: sourceId }, csv("20/11/2026;VIR\u0007\u001b[31m;1 000,00;XOF;H-3")), 400, "control"],
      ["decimals in francs", upload(finance, { site: "LDC", source: sourceId }, csv("20/11/2026;VIR;1 000,50;XOF;H-4")), 400, "amount"],
      ["no header", upload(finance, { site: "LDC", source: sourceId }, "a;b;c\n1;2;3\n"), 400, "header"],
      ["empty file", upload(finance, { site: "LDC", source: sourceId }, ""), 400],
      ["another site's source", upload(finance, { site: "KIN", source: sourceId }, csv("20/11/2026;VIR;1 000,00;XOF;H-5")), 400],
      ["not a source", upload(finance, { site: "LDC", source: "'; DROP TABLE payments; --" }, csv("20/11/2026;VIR;1 000,00;XOF;H-6")), 400],
      ["xml bomb", upload(finance, { site: "LDC", source: "plain_camt053" }, '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Document>&a;</Document>', "x.xml", "application/xml"), 400, "xml"],
      ["plain csv with another header", upload(finance, { site: "LDC", source: "plain" }, "date,amount,label\n2026-11-20,100,x\n"), 400, "header"],
    ];
    for (const [label, request, status, problem] of cases) {
      const res = await call(inboxAction, request);
      expect(res.status, label).toBe(status);
      if (problem) expect((await body(res)).issues.map((i: { problem: string }) => i.problem), label).toContain(problem);
    }
    expect(await written()).toEqual(before);
    // ops_noc may not import.
    expect((await call(inboxAction, upload(noc, { site: "LDC", source: sourceId }, fixture("bank-ecobank-ldc.csv", w)))).status).toBe(403);
  });

  test("an import through the page, its figures, and the lines settled from the page", async () => {
    const res = await call(inboxAction, upload(finance, { site: "LDC", source: sourceId }, fixture("bank-ecobank-ldc.csv", w), "ecobank-novembre.csv"));
    expect(res.status).toBe(302);
    let v = await view();
    // 5 incoming lines: A and C matched, D and B suggested, the cash deposit left.
    expect(v.figures).toEqual({ imported: 5, autoMatched: 2, manualMatched: 0, suggested: 2, unmatched: 1, notOurs: 0 });
    expect(v.lastImport).toMatchObject({ fileName: "ecobank-novembre.csv", lines: 6, outgoing: 1, new: 5, matched: 2, suggested: 2, unmatched: 1, source: "Ecobank Togo — courant" });
    expect(v.lines).toHaveLength(3);
    const fibre = v.lines.find((l: { label: string }) => l.label.startsWith("VIR TOGO"));
    expect(fibre).toMatchObject({ status: "suggested", reason: "amount_and_name", orgName: "Togo Fibre SARL", amountMinor: 295_000, bookedOn: "2026-11-23" });
    expect(fibre.suggestions).toEqual([{ invoiceId: w.D.id, number: w.D.number, orgName: "Togo Fibre SARL", balanceMinor: 295_000, totalMinor: 295_000 }]);
    // The age is counted from the booking date to the site's today.
    const today = (await db.selectFrom("sites").select((eb) => eb.fn<string>("site_today", ["id"]).as("d")).where("code", "=", "LDC").executeTakeFirstOrThrow()).d;
    expect(fibre.ageDays).toBe(Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse("2026-11-23T00:00:00Z")) / 86_400_000));

    // The same file again: nothing new.
    expect((await call(inboxAction, upload(finance, { site: "LDC", source: sourceId }, fixture("bank-ecobank-ldc.csv", w)))).status).toBe(302);
    v = await view();
    expect(v.figures.imported).toBe(5);
    expect(v.lastImport).toMatchObject({ new: 0, matched: 0 });

    // Confirm D's suggestion; a second click is a 409 and records nothing more.
    const confirm = { intent: "confirm", site: "LDC", lineId: fibre.id, invoiceId: w.D.id };
    const first = await post(finance, confirm);
    expect(first.status).toBe(302);
    expect(first.headers.get("Location")).toBe("/ops/payments/inbox?site=LDC&done=confirm");
    const before = await written();
    expect((await post(finance, confirm)).status).toBe(409);
    expect(await written()).toEqual(before);
    expect(await invoiceState(db, w.D.id)).toEqual({ status: "paid", balanceMinor: 0 });

    // Not ours without a reason: 400; with one: done.
    const cash = v.lines.find((l: { label: string }) => l.label.startsWith("VERSEMENT"));
    const noReason = await post(finance, { intent: "not_ours", site: "LDC", lineId: cash.id, reason: "" });
    expect(noReason.status).toBe(400);
    expect(await written()).toEqual(before);
    expect((await post(finance, { intent: "not_ours", site: "LDC", lineId: cash.id, reason: "Versement du caissier" })).status).toBe(302);

    // The 300 000 line: split by typed numbers and amounts — 236 000 on B, the rest credit; a bad amount first.
    const big = v.lines.find((l: { label: string }) => l.label.startsWith("VIREMENT"));
    const bad = await post(finance, { intent: "split", site: "LDC", lineId: big.id, number1: w.B.number, amount1: "236000,50", number2: "", amount2: "", number3: "", amount3: "" });
    expect(bad.status).toBe(400);
    expect((await body(bad)).errors).toEqual({ amount1: "inventory.error.amountNoDecimals" });
    const other = await post(finance, { intent: "split", site: "LDC", lineId: big.id, number1: w.B.number, amount1: "200000", number2: w.C.number, amount2: "10000", number3: "", amount3: "" });
    expect(other.status).toBe(400);
    expect((await body(other)).formError).toBe("reconcile.error.several_organisations");
    expect((await post(finance, { intent: "split", site: "LDC", lineId: big.id, number1: w.B.number, amount1: "236000", number2: "", amount2: "", number3: "", amount3: "" })).status).toBe(302);
    expect(await invoiceState(db, w.B.id)).toEqual({ status: "paid", balanceMinor: 0 });

    v = await view();
    expect(v.figures).toEqual({ imported: 5, autoMatched: 2, manualMatched: 2, suggested: 0, unmatched: 0, notOurs: 1 });
    expect(v.lines).toEqual([]);
    // Unknown lines and intents: 4xx.
    expect((await post(finance, { intent: "assign", site: "LDC", lineId: "00000000-0000-4000-8000-000000000000", orgId: w.kossi })).status).toBe(404);
    expect((await post(finance, { intent: "nope" })).status).toBe(400);
  });
});
