import * as list from "~/routes/app.desk.tickets._index";
import * as newPage from "~/routes/app.desk.tickets.new";
import * as tenantPage from "~/routes/app.desk.tickets.$ticketId";
import * as tenantFile from "~/routes/app.desk.tickets.$ticketId_.attachments.$attachmentId";
import * as queuePage from "~/routes/ops.desk.$siteCode.tickets";
import * as opsPage from "~/routes/ops.desk.tickets.$ticketId";
import * as opsFile from "~/routes/ops.desk.tickets.$ticketId_.attachments.$attachmentId";
import * as inventoryPage from "~/routes/ops.sites.$siteCode.inventory";
import { createTestDb, type TestDb } from "../support/db";
import { count } from "../support/factories";
import { BASE, body, call, formRequest, getRequest } from "../support/http";
import { FILES, remoteHandsWorld, TENANT_ROLES, type RemoteHandsWorld } from "./remotehands-world";

/**
 * The remote-hands pages called as Remix would, with real requests and sessions: the multipart
 * new-ticket form (files judged by content, oversized refused as a 4xx), each role, another tenant's
 * ticket and attachment (404), hostile input (never 5xx, nothing written), the attachment's headers.
 */
let t: TestDb;
let w: RemoteHandsWorld;

beforeAll(async () => {
  t = await createTestDb({ reference: true });
  w = await remoteHandsWorld(t.db);
}, 300_000);
afterAll(() => t.cleanup());

function multipart(path: string, fields: Record<string, string | string[]>, file: { name: string; bytes: Uint8Array; type?: string } | null, cookie: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) form.append(k, x);
  if (file) form.append("attachment", new File([file.bytes as Uint8Array<ArrayBuffer>], file.name, { type: file.type ?? "image/png" }));
  return new Request(`${BASE}${path}`, { method: "POST", headers: { Cookie: cookie, Origin: BASE }, body: form });
}
const fields = (over: Record<string, string | string[]> = {}) => ({ contractId: w.contract.a, allocationIds: [w.alloc.a], kind: "reboot", urgency: "standard", description: "Redémarrer le serveur U3.", ...over });
const openVia = (cookie: string, f: Record<string, string | string[]> = fields(), file: { name: string; bytes: Uint8Array; type?: string } | null = null) => call(newPage.action, multipart("/app/desk/tickets/new", f, file, cookie));
const idFrom = (res: Response) => res.headers.get("Location")!.split("/").pop()!;
const writes = async () => ({ tickets: await count(t.db, "remote_hands_tickets"), files: await count(t.db, "remote_hands_attachments"), events: await count(t.db, "remote_hands_events"), audit: await count(t.db, "audit_log"), mails: await count(t.db, "email_outbox"), charges: await count(t.db, "one_off_charges") });
const opsAct = (cookie: string, ticketId: string, f: Record<string, string>) => call(opsPage.action, formRequest(`/ops/desk/tickets/${ticketId}`, f, { cookie }), { ticketId });

describe("the new-ticket form", () => {
  test("owner, admin and technical open tickets (redirected to it); billing and viewer get 403 and nothing is written", async () => {
    for (const role of TENANT_ROLES) {
      const before = await writes();
      const res = await openVia(w.a[role].cookie);
      if (role === "billing" || role === "viewer") {
        expect(res.status, role).toBe(403);
        expect(await writes(), role).toEqual(before);
      } else {
        expect(res.status, role).toBe(302);
        expect(res.headers.get("Location")).toMatch(/^\/app\/desk\/tickets\/[0-9a-f-]{36}$/);
      }
    }
  });

  test("the form offers only the organisation's contracts in force and their space held today", async () => {
    const data = await body(await call(newPage.loader, getRequest("/app/desk/tickets/new", { cookie: w.a.owner.cookie })));
    expect(data.contracts.map((c: { id: string }) => c.id)).toEqual([w.contract.a]);
    expect(data.contracts[0].allocations.map((a: { id: string }) => a.id)).toEqual([w.alloc.a]);
    expect(data.contracts[0]).toMatchObject({ standardPriceMinor: 35_000, urgentPriceMinor: 52_500, currency: "XOF" });
  });

  test("a photo is stored; served to the organisation and operators with the sniffed type, as a download, nosniff; another tenant gets 404", async () => {
    const res = await openVia(w.a.technical.cookie, fields({ urgency: "urgent" }), { name: "baie.png", bytes: FILES.png, type: "application/octet-stream" });
    expect(res.status).toBe(302);
    const ticketId = idFrom(res);
    const page = await body(await call(tenantPage.loader, getRequest(`/app/desk/tickets/${ticketId}`, { cookie: w.a.viewer.cookie }), { ticketId }));
    expect(page.ticket.urgency).toBe("urgent");
    const [file] = page.ticket.attachments;
    expect(file).toMatchObject({ file_name: "baie.png", content_type: "image/png", size_bytes: FILES.png.byteLength });
    const params = { ticketId, attachmentId: file.id };
    const got = await call(tenantFile.loader, getRequest(`/app/desk/tickets/${ticketId}/attachments/${file.id}`, { cookie: w.a.viewer.cookie }), params);
    expect(got.status).toBe(200);
    expect(got.headers.get("Content-Type")).toBe("image/png");
    expect(got.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(got.headers.get("Content-Disposition")).toMatch(/^attachment; filename="baie.png"/);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(FILES.png);
    expect((await call(opsFile.loader, getRequest("/ops/x", { cookie: w.ops.ops_finance.cookie }), params)).status).toBe(200);
    // Another tenant: the page, the file, and the file under its own ticket id are all 404.
    expect((await call(tenantPage.loader, getRequest(`/app/desk/tickets/${ticketId}`, { cookie: w.b.cookie }), { ticketId })).status).toBe(404);
    expect((await call(tenantFile.loader, getRequest("/app/x", { cookie: w.b.cookie }), params)).status).toBe(404);
    expect((await call(tenantPage.action, formRequest(`/app/desk/tickets/${ticketId}`, { intent: "cancel" }, { cookie: w.b.cookie }), { ticketId })).status).toBe(404);
    // Bad ids: 404, never 500.
    for (const bad of ["x", "'; DROP TABLE remote_hands_tickets; --", "00000000-0000-0000-0000-000000000000"]) {
      expect((await call(tenantPage.loader, getRequest("/app/x", { cookie: w.a.owner.cookie }), { ticketId: bad })).status).toBe(404);
      expect((await call(tenantFile.loader, getRequest("/app/x", { cookie: w.a.owner.cookie }), { ticketId, attachmentId: bad })).status).toBe(404);
      expect((await call(opsPage.loader, getRequest("/ops/x", { cookie: w.ops.ops_noc.cookie }), { ticketId: bad })).status).toBe(404);
    }
    // A tenant is not an operator.
    expect((await call(opsFile.loader, getRequest("/ops/x", { cookie: w.a.owner.cookie }), params)).status).not.toBe(200);
  });

  test("files refused by content (a .png holding PDF, HTML, ZIP bytes) or size: a localized 4xx next to the field, nothing written", async () => {
    const before = await writes();
    for (const bytes of [FILES.pdf, FILES.html, FILES.zip]) {
      const res = await openVia(w.a.owner.cookie, fields(), { name: "photo.png", bytes });
      expect(res.status).toBe(400);
      expect((await body(res)).errors).toEqual({ attachment: "remotehands.error.attachment_type" });
    }
    const big = new Uint8Array(5 * 1024 * 1024 + 10);
    big.set(FILES.png);
    const res = await openVia(w.a.owner.cookie, fields(), { name: "big.png", bytes: big });
    expect(res.status).toBe(413);
    expect((await body(res)).errors).toEqual({ attachment: "remotehands.error.attachment_too_large" });
    expect(await writes()).toEqual(before);
  });

  test("hostile input: control characters, 10 000 characters, another tenant's or an ended rack, bad choices, a bad body → 4xx, nothing written", async () => {
    const before = await writes();
    const cases: [Record<string, string | string[]>, number, string][] = [
      [fields({ description: "Redémarrer\u0000le serveur" }), 400, "description"],
      [fields({ description: "Bell\u0007" }), 400, "description"],
      [fields({ description: "x".repeat(10_000) }), 400, "description"],
      [fields({ description: "   " }), 400, "description"],
      [fields({ kind: "format_c" }), 400, "kind"],
      [fields({ urgency: "yesterday" }), 400, "urgency"],
      [fields({ allocationIds: [w.alloc.b] }), 400, "allocationIds"],
      [fields({ allocationIds: [w.alloc.aEnded] }), 400, "allocationIds"],
      [fields({ allocationIds: [] }), 400, "allocationIds"],
      [fields({ allocationIds: ["1 OR 1=1"] }), 400, "allocationIds"],
      [fields({ contractId: w.contract.b, allocationIds: [w.alloc.b] }), 400, "contractId"],
      [fields({ contractId: "not-a-uuid" }), 400, "contractId"],
      [fields({ contractId: w.contract.endedA, allocationIds: [w.alloc.aOnEnded] }), 400, "contractId"],
    ];
    for (const [f, status, field] of cases) {
      const res = await openVia(w.a.owner.cookie, f);
      expect([res.status, field]).toEqual([status, field]);
      expect(Object.keys((await body(res)).errors ?? {})).toContain(field);
    }
    // Not a form at all; a multipart body without a boundary.
    const json = new Request(`${BASE}/app/desk/tickets/new`, { method: "POST", headers: { Cookie: w.a.owner.cookie, "Content-Type": "application/json" }, body: "{}" });
    expect((await call(newPage.action, json)).status).toBe(415);
    const broken = new Request(`${BASE}/app/desk/tickets/new`, { method: "POST", headers: { Cookie: w.a.owner.cookie, "Content-Type": "multipart/form-data" }, body: "--x\r\n" });
    expect((await call(newPage.action, broken)).status).toBe(400);
    const garbled = new Request(`${BASE}/app/desk/tickets/new`, { method: "POST", headers: { Cookie: w.a.owner.cookie, "Content-Type": "multipart/form-data; boundary=zz" }, body: "--zz\r\nContent-Disposition: form-data\r\n\r\n\u0000\u0001" });
    expect((await call(newPage.action, garbled)).status).toBeLessThan(500);
    expect(await writes()).toEqual(before);
  });

  test("urgent without an urgent price is refused next to the urgency", async () => {
    const res = await openVia(w.kinOwner.cookie, fields({ contractId: w.contract.kin, allocationIds: [w.alloc.kin], urgency: "urgent" }));
    expect(res.status).toBe(302); // KIN's price list has an urgent product
    await t.db.updateTable("products").set({ is_active: false }).where("site_id", "=", w.kin.id).where("kind", "=", "remote_hands_urgent_hour").execute();
    const refused = await openVia(w.kinOwner.cookie, fields({ contractId: w.contract.kin, allocationIds: [w.alloc.kin], urgency: "urgent" }));
    expect(refused.status).toBe(400);
    expect((await body(refused)).errors).toEqual({ urgency: "remotehands.error.urgent_unavailable" });
    await t.db.updateTable("products").set({ is_active: true }).where("site_id", "=", w.kin.id).where("kind", "=", "remote_hands_urgent_hour").execute();
  });
});

describe("the operators' pages", () => {
  test("queue and ticket: ops_noc takes, posts, logs 20 minutes and closes; the tenant sees 30 minutes billed and the amount; ops_finance reads but may not act", async () => {
    const ticketId = idFrom(await openVia(w.a.technical.cookie, fields({ urgency: "urgent", description: "Inspecter la baie A01" })));
    const queue = await body(await call(queuePage.loader, getRequest("/ops/desk/LDC/tickets", { cookie: w.ops.ops_finance.cookie }), { siteCode: "LDC" }));
    expect(queue.tickets.map((x: { id: string }) => x.id)).toContain(ticketId);
    // Urgent first, then oldest first.
    const urgency = queue.tickets.map((x: { urgency: string }) => x.urgency);
    expect(urgency).toEqual([...urgency].sort((p: string, q: string) => (p === q ? 0 : p === "urgent" ? -1 : 1)));
    expect((await call(queuePage.loader, getRequest("/ops/desk/ZZZ/tickets", { cookie: w.ops.ops_noc.cookie }), { siteCode: "ZZZ" })).status).toBe(404);
    expect((await call(queuePage.loader, getRequest("/ops/desk/LDC/tickets", { cookie: w.a.owner.cookie }), { siteCode: "LDC" })).status).not.toBe(200);

    const before = await writes();
    expect((await opsAct(w.ops.ops_finance.cookie, ticketId, { intent: "take" })).status).toBe(403);
    expect(await writes()).toEqual(before);
    expect((await opsAct(w.ops.ops_noc.cookie, ticketId, { intent: "take" })).status).toBe(200);
    expect((await opsAct(w.ops.ops_admin.cookie, ticketId, { intent: "take" })).status).toBe(409);
    expect((await opsAct(w.ops.ops_noc.cookie, ticketId, { intent: "update", body: "Photo prise, tout est en ordre." })).status).toBe(200);
    for (const minutes of ["0", "-3", "1441", "12.5", "9999999999999999999", "abc", ""]) {
      const res = await opsAct(w.ops.ops_noc.cookie, ticketId, { intent: "time", minutes });
      expect([minutes, res.status]).toEqual([minutes, 400]);
    }
    expect((await opsAct(w.ops.ops_noc.cookie, ticketId, { intent: "update", body: "a\u0000b" })).status).toBe(400);
    expect((await opsAct(w.ops.ops_noc.cookie, ticketId, { intent: "update", body: "x".repeat(10_000) })).status).toBe(400);
    expect((await opsAct(w.ops.ops_noc.cookie, ticketId, { intent: "explode" })).status).toBe(400);
    expect((await opsAct(w.ops.ops_noc.cookie, ticketId, { intent: "time", minutes: "20" })).status).toBe(200);
    expect((await opsAct(w.ops.ops_noc.cookie, ticketId, { intent: "close", result: "" })).status).toBe(400);
    expect((await opsAct(w.ops.ops_noc.cookie, ticketId, { intent: "close", result: "Baie inspectée, photo jointe au compte rendu." })).status).toBe(200);
    expect((await opsAct(w.ops.ops_noc.cookie, ticketId, { intent: "close", result: "Encore" })).status).toBe(409);

    const page = await body(await call(tenantPage.loader, getRequest(`/app/desk/tickets/${ticketId}`, { cookie: w.a.billing.cookie }), { ticketId }));
    expect(page.ticket.billing).toMatchObject({ logged: 20, billed: 30, unitPriceMinor: 52_500, amountMinor: 26_250, final: true });
    expect(page.ticket.events.map((e: { kind: string }) => e.kind)).toEqual(["created", "taken", "update", "time", "closed"]);
    expect(await count(t.db, "one_off_charges")).toBe(1);
  });

  test("site settings: the increment must be a multiple of 3 minutes (form and database); urgent target ≤ standard", async () => {
    const post = (cookie: string, f: Record<string, string>) => call(inventoryPage.action, formRequest("/ops/sites/LDC/inventory", { intent: "remoteHands", ...f }, { cookie }), { siteCode: "LDC" });
    expect((await post(w.ops.ops_noc.cookie, { incrementMin: "10", targetStandardMin: "240", targetUrgentMin: "60" })).status).toBe(400);
    expect((await post(w.ops.ops_noc.cookie, { incrementMin: "15", targetStandardMin: "30", targetUrgentMin: "60" })).status).toBe(400);
    expect((await post(w.ops.ops_noc.cookie, { incrementMin: "0", targetStandardMin: "240", targetUrgentMin: "60" })).status).toBe(400);
    expect((await post(w.ops.ops_finance.cookie, { incrementMin: "6", targetStandardMin: "240", targetUrgentMin: "60" })).status).toBe(403);
    expect((await post(w.ops.ops_noc.cookie, { incrementMin: "6", targetStandardMin: "180", targetUrgentMin: "30" })).status).toBe(200);
    const site = await t.db.selectFrom("sites").select(["remote_hands_increment_min", "remote_hands_target_standard_min", "remote_hands_target_urgent_min"]).where("code", "=", "LDC").executeTakeFirstOrThrow();
    expect(site).toEqual({ remote_hands_increment_min: 6, remote_hands_target_standard_min: 180, remote_hands_target_urgent_min: 30 });
    await expect(t.db.updateTable("sites").set({ remote_hands_increment_min: 10 }).where("code", "=", "LDC").execute()).rejects.toMatchObject({ code: "23514" });
    await t.db.updateTable("sites").set({ remote_hands_increment_min: 15, remote_hands_target_standard_min: 240, remote_hands_target_urgent_min: 60 }).where("code", "=", "LDC").execute();
  });

  test("the list filters open and closed tickets for the organisation only", async () => {
    const open = await body(await call(list.loader, getRequest("/app/desk/tickets?show=open", { cookie: w.a.viewer.cookie })));
    const closed = await body(await call(list.loader, getRequest("/app/desk/tickets?show=closed", { cookie: w.a.viewer.cookie })));
    const odd = await body(await call(list.loader, getRequest("/app/desk/tickets?show=%00", { cookie: w.a.viewer.cookie })));
    expect(open.tickets.every((x: { status: string }) => x.status === "open" || x.status === "taken")).toBe(true);
    expect(closed.tickets.every((x: { status: string }) => x.status === "closed" || x.status === "cancelled")).toBe(true);
    expect(closed.tickets.length).toBeGreaterThan(0);
    expect(odd.filter).toBe("open");
    const other = await body(await call(list.loader, getRequest("/app/desk/tickets?show=all", { cookie: w.b.cookie })));
    expect(other.tickets).toEqual([]);
  });
});
