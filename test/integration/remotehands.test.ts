import { sql } from "kysely";
import { createTestDb, type TestDb } from "../support/db";
import { count, outbox } from "../support/factories";
import { linesOf } from "../support/billing-world";
import { runBilling } from "~/modules/billing/run.server";
import { issueInvoice } from "~/modules/billing/issue.server";
import { cancelTicket, closeTicket, getForTenant, listForTenant, logTime, openTicket, postUpdate, siteQueue, takeTicket, type OpenInput } from "~/modules/remotehands/tickets.server";
import { ticketDeskCounts, ticketQueue, ticketServiceLevels } from "~/modules/remotehands/desk.server";
import { amountFor, billedMinutes, hoursOf, serviceLevel } from "~/modules/remotehands/shared";
import { actorOf, FILES, opActor, remoteHandsWorld, run, TENANT_ROLES, type RemoteHandsWorld } from "./remotehands-world";

/**
 * Remote-hands tickets against a real database: rounding and billing checked on the invoice the
 * billing run writes (XOF at Lomé, USD at Kinshasa), the racks a tenant may name (held by the
 * database too), attachments judged by their bytes, roles, another tenant's tickets, service levels.
 */
let t: TestDb;
let w: RemoteHandsWorld;

beforeEach(async () => {
  t = await createTestDb({ reference: true });
  w = await remoteHandsWorld(t.db);
});
afterEach(() => t.cleanup());

const at = (iso: string) => new Date(iso);

const ticketInput = (over: Partial<OpenInput> = {}): OpenInput => ({
  actor: actorOf(w.a.technical),
  contractId: w.contract.a,
  allocationIds: [w.alloc.a],
  kind: "reboot",
  urgency: "standard",
  description: "Redémarrer le serveur en U3 (bouton en façade).",
  ...over,
});

async function open(over: Partial<OpenInput> = {}) {
  const r = await run(t.db, (trx) => openTicket(trx, ticketInput(over)));
  if (!r.ok) throw new Error(`open refused: ${r.error}`);
  return r.ticketId;
}

/** Open, take, log minutes and close a ticket at the given instants. */
async function fullCycle(o: { minutes: number[]; urgency?: "standard" | "urgent"; openedAt: string; takenAt: string; closedAt: string; contractId?: string; allocationIds?: string[]; actor?: OpenInput["actor"] }) {
  const id = await open({ urgency: o.urgency ?? "standard", now: at(o.openedAt), ...(o.contractId ? { contractId: o.contractId } : {}), ...(o.allocationIds ? { allocationIds: o.allocationIds } : {}), ...(o.actor ? { actor: o.actor } : {}) });
  const noc = opActor(w.ops.ops_noc);
  expect((await run(t.db, (trx) => takeTicket(trx, { actor: noc, ticketId: id, now: at(o.takenAt) }))).ok).toBe(true);
  for (const m of o.minutes) expect((await run(t.db, (trx) => logTime(trx, { actor: noc, ticketId: id, minutes: m, now: at(o.takenAt) }))).ok).toBe(true);
  const closed = await run(t.db, (trx) => closeTicket(trx, { actor: noc, ticketId: id, result: "Fait, serveur joignable.", now: at(o.closedAt) }));
  if (!closed.ok) throw new Error(`close refused: ${closed.error}`);
  return { id, closed };
}

describe("rounding (pure)", () => {
  test("minutes round up to the increment; hours are exact hundredths; amounts half up", () => {
    expect(billedMinutes(20, 15)).toBe(30);
    expect(billedMinutes(15, 15)).toBe(15);
    expect(billedMinutes(16, 15)).toBe(30);
    expect(billedMinutes(0, 15)).toBe(0);
    expect(billedMinutes(1, 6)).toBe(6);
    expect(hoursOf(30)).toBe("0.50");
    expect(hoursOf(45)).toBe("0.75");
    expect(hoursOf(6)).toBe("0.10");
    expect(hoursOf(3)).toBe("0.05");
    expect(hoursOf(1440)).toBe("24.00");
    expect(() => hoursOf(10)).toThrow();
    expect(amountFor(30, 52_500)).toBe(26_250);
    expect(amountFor(45, 7_500)).toBe(5_625);
    // 35 001 × 0.5 = 17 500.5 → 17 501 (half up)
    expect(amountFor(30, 35_001)).toBe(17_501);
  });
});

describe("billing on the invoice after the billing run", () => {
  test("LDC (XOF): urgent, 20 minutes logged → 30 billed = 0.50 h × 52 500 = 26 250 XOF on November's invoice, naming the ticket", async () => {
    const { id, closed } = await fullCycle({ minutes: [12, 8], urgency: "urgent", openedAt: "2026-11-10T08:00:00Z", takenAt: "2026-11-10T08:40:00Z", closedAt: "2026-11-10T09:30:00Z" });
    expect(closed).toMatchObject({ ok: true, billedMinutes: 30, amountMinor: 26_250, chargedOn: "2026-11-10" });
    const ticket = (await getForTenant(t.db, { orgId: w.org.a.id, ticketId: id }))!;
    // What the tenant sees before month end.
    expect(ticket.billing).toMatchObject({ logged: 20, billed: 30, unitPriceMinor: 52_500, amountMinor: 26_250, chargedOn: "2026-11-10", final: true });
    await runBilling(t.db, { siteCode: "LDC", period: "2026-11" });
    const lines = await linesOf(t.db, w.org.a.id, "2026-11");
    expect(lines.map((l) => [l.kind, l.contract_id, l.quantity, l.unit_price_minor, l.amount_minor])).toEqual([["one_off", w.contract.a, "0.500000", 52_500, 26_250]]);
    expect(lines[0].description_fr).toContain(ticket.ref);
    expect(lines[0].description_fr).toContain("urgente");
    expect(lines[0].description_en).toContain(ticket.ref);
    expect(lines[0].description_en).toContain("Urgent remote hands");
    // One charge, carrying the ticket.
    expect(await t.db.selectFrom("one_off_charges").select(["remote_hands_ticket_id", "quantity", "amount_minor"]).execute()).toEqual([{ remote_hands_ticket_id: id, quantity: "0.50", amount_minor: 26_250 }]);
  });

  test("KIN (USD): standard, 35 minutes → 45 billed = 0.75 h × 75.00 = 56.25 USD; KIN's day is UTC+1 (23:30 UTC on 30 November is 1 December there)", async () => {
    const { closed } = await fullCycle({
      minutes: [35],
      contractId: w.contract.kin,
      allocationIds: [w.alloc.kin],
      actor: actorOf(w.kinOwner),
      openedAt: "2026-11-30T20:00:00Z",
      takenAt: "2026-11-30T21:00:00Z",
      closedAt: "2026-11-30T23:30:00Z",
    });
    expect(closed).toMatchObject({ billedMinutes: 45, amountMinor: 5_625, chargedOn: "2026-12-01" });
    await runBilling(t.db, { siteCode: "KIN", period: "2026-11" });
    expect(await linesOf(t.db, w.org.kin.id, "2026-11")).toEqual([]);
    await runBilling(t.db, { siteCode: "KIN", period: "2026-12" });
    const lines = await linesOf(t.db, w.org.kin.id, "2026-12");
    expect(lines.filter((l) => l.kind === "one_off").map((l) => [l.quantity, l.unit_price_minor, l.amount_minor])).toEqual([["0.750000", 7_500, 5_625]]);
  });

  test("KIN: urgent at the site's urgent product (no frozen urgent line) with a 6-minute increment: 7 min → 12 = 0.20 h × 112.50 = 22.50 USD", async () => {
    await t.db.updateTable("sites").set({ remote_hands_increment_min: 6 }).where("id", "=", w.kin.id).execute();
    const { closed } = await fullCycle({ minutes: [7], urgency: "urgent", contractId: w.contract.kin, allocationIds: [w.alloc.kin], actor: actorOf(w.kinOwner), openedAt: "2026-11-05T08:00:00Z", takenAt: "2026-11-05T08:10:00Z", closedAt: "2026-11-05T09:00:00Z" });
    expect(closed).toMatchObject({ billedMinutes: 12, amountMinor: 2_250 });
  });

  test("zero minutes logged: closed, no charge, nothing on the invoice", async () => {
    const { id, closed } = await fullCycle({ minutes: [], openedAt: "2026-11-10T08:00:00Z", takenAt: "2026-11-10T08:10:00Z", closedAt: "2026-11-10T08:20:00Z" });
    expect(closed).toMatchObject({ billedMinutes: 0, amountMinor: null, chargedOn: null });
    expect(await count(t.db, "one_off_charges")).toBe(0);
    const ticket = (await getForTenant(t.db, { orgId: w.org.a.id, ticketId: id }))!;
    expect(ticket.status).toBe("closed");
    expect(ticket.billing).toMatchObject({ logged: 0, billed: 0, amountMinor: null });
  });

  test("the close month's invoice already issued: the charge is dated the 1st of the next open month", async () => {
    // October's invoice exists (a standard ticket billed then) and is issued.
    await fullCycle({ minutes: [15], openedAt: "2026-10-05T08:00:00Z", takenAt: "2026-10-05T08:30:00Z", closedAt: "2026-10-05T09:00:00Z" });
    await runBilling(t.db, { siteCode: "LDC", period: "2026-10" });
    const october = await t.db.selectFrom("invoices").select("id").where("org_id", "=", w.org.a.id).where("period", "=", "2026-10").executeTakeFirstOrThrow();
    await issueInvoice(t.db, { invoiceId: october.id, actor: null, today: "2026-11-02" });
    const { closed } = await fullCycle({ minutes: [50], openedAt: "2026-10-30T08:00:00Z", takenAt: "2026-10-30T08:30:00Z", closedAt: "2026-10-31T09:00:00Z" });
    // 50 → 60 minutes = 1.00 h × 35 000
    expect(closed).toMatchObject({ billedMinutes: 60, amountMinor: 35_000, chargedOn: "2026-11-01" });
    await runBilling(t.db, { siteCode: "LDC", period: "2026-11" });
    expect((await linesOf(t.db, w.org.a.id, "2026-11")).map((l) => [l.quantity, l.unit_price_minor, l.amount_minor])).toEqual([["1.000000", 35_000, 35_000]]);
  });

  test("a time entry refused on an open or closed ticket; the close's logged minutes must match the timeline (database)", async () => {
    const id = await open({ now: at("2026-11-10T08:00:00Z") });
    const noc = opActor(w.ops.ops_noc);
    expect(await run(t.db, (trx) => logTime(trx, { actor: noc, ticketId: id, minutes: 10 }))).toEqual({ ok: false, error: "wrong_state" });
    await expect(t.db.insertInto("remote_hands_events").values({ ticket_id: id, org_id: w.org.a.id, kind: "time", minutes: 10 }).execute()).rejects.toMatchObject({ hint: "remote_hands_transition" });
    await run(t.db, (trx) => takeTicket(trx, { actor: noc, ticketId: id, now: at("2026-11-10T08:05:00Z") }));
    for (const minutes of [0, -5, 1441, 1.5]) expect(await run(t.db, (trx) => logTime(trx, { actor: noc, ticketId: id, minutes }))).toEqual({ ok: false, error: "bad_minutes" });
    await expect(
      t.db.updateTable("remote_hands_tickets").set({ status: "closed", closed_at: at("2026-11-10T09:00:00Z"), result: "x", logged_minutes: 99, billed_minutes: 105 }).where("id", "=", id).execute(),
    ).rejects.toMatchObject({ hint: "remote_hands_frozen" });
  });
});

describe("racks: only the tenant's own, on that contract, in force", () => {
  test("another tenant's allocation, an ended allocation, one of another contract are refused and nothing is written", async () => {
    for (const allocationIds of [[w.alloc.b], [w.alloc.aEnded], [w.alloc.aOnEnded], [w.alloc.a, w.alloc.b], ["not-a-uuid"], [w.alloc.kin]]) {
      expect(await run(t.db, (trx) => openTicket(trx, ticketInput({ allocationIds })))).toEqual({ ok: false, error: "rack_not_held" });
    }
    expect(await run(t.db, (trx) => openTicket(trx, ticketInput({ allocationIds: [] })))).toEqual({ ok: false, error: "no_rack" });
    expect(await count(t.db, "remote_hands_tickets")).toBe(0);
    expect(await count(t.db, "remote_hands_ref_counters")).toBe(0);
    expect(await count(t.db, "email_outbox")).toBe(0);
  });

  test("the database refuses them too (trigger), and racks are fixed once the ticket is taken", async () => {
    const id = await open();
    for (const allocation_id of [w.alloc.b, w.alloc.aEnded]) {
      await expect(t.db.insertInto("remote_hands_ticket_racks").values({ ticket_id: id, org_id: w.org.a.id, allocation_id }).execute()).rejects.toMatchObject({ hint: "remote_hands_rack" });
    }
    // The ticket's organisation is the allocation's: B's ticket row cannot borrow A's ticket.
    await expect(t.db.insertInto("remote_hands_ticket_racks").values({ ticket_id: id, org_id: w.org.b.id, allocation_id: w.alloc.b }).execute()).rejects.toMatchObject({ hint: "remote_hands_rack" });
    await run(t.db, (trx) => takeTicket(trx, { actor: opActor(w.ops.ops_noc), ticketId: id }));
    await expect(t.db.deleteFrom("remote_hands_ticket_racks").where("ticket_id", "=", id).execute()).rejects.toMatchObject({ hint: "remote_hands_frozen" });
  });

  test("a terminated contract takes no ticket (application and database)", async () => {
    expect(await run(t.db, (trx) => openTicket(trx, ticketInput({ contractId: w.contract.endedA, allocationIds: [w.alloc.aOnEnded] })))).toEqual({ ok: false, error: "contract_not_active" });
    await expect(
      t.db.insertInto("remote_hands_tickets").values({ org_id: w.org.a.id, contract_id: w.contract.endedA, site_id: w.ldc.id, kind: "other", urgency: "standard", description: "x", target_minutes: 240 }).execute(),
    ).rejects.toMatchObject({ hint: "contract_not_active" });
    // Another organisation's contract under A's name: the composite key says no.
    await expect(
      t.db.insertInto("remote_hands_tickets").values({ org_id: w.org.a.id, contract_id: w.contract.b, site_id: w.ldc.id, kind: "other", urgency: "standard", description: "x", target_minutes: 240 }).execute(),
    ).rejects.toMatchObject({ code: "23503" });
    expect(await run(t.db, (trx) => openTicket(trx, ticketInput({ contractId: w.contract.b, allocationIds: [w.alloc.b] })))).toEqual({ ok: false, error: "not_found" });
  });
});

describe("urgency", () => {
  test("urgent needs an urgent price: the contract's, else the site's active product", async () => {
    // B's contract froze only the standard price, but LDC's price list has an urgent one.
    expect((await run(t.db, (trx) => openTicket(trx, ticketInput({ actor: actorOf(w.b), contractId: w.contract.b, allocationIds: [w.alloc.b], urgency: "urgent" })))).ok).toBe(true);
    await t.db.updateTable("products").set({ is_active: false }).where("site_id", "=", w.ldc.id).where("kind", "=", "remote_hands_urgent_hour").execute();
    expect(await run(t.db, (trx) => openTicket(trx, ticketInput({ actor: actorOf(w.b), contractId: w.contract.b, allocationIds: [w.alloc.b], urgency: "urgent" })))).toEqual({ ok: false, error: "urgent_unavailable" });
    // A froze its own urgent price: still offered.
    expect((await run(t.db, (trx) => openTicket(trx, ticketInput({ urgency: "urgent" })))).ok).toBe(true);
  });
});

describe("attachments judged by their bytes", () => {
  test("PNG, JPEG, WebP and PDF are stored with the sniffed type", async () => {
    for (const [name, bytes, type] of [
      ["photo.png", FILES.png, "image/png"],
      ["IMG_1.JPG", FILES.jpeg, "image/jpeg"],
      ["baie.webp", FILES.webp, "image/webp"],
      ["bon.pdf", FILES.pdf, "application/pdf"],
      ["sans-extension", FILES.png, "image/png"],
    ] as const) {
      const id = await open({ attachment: { name, bytes } });
      const row = await t.db.selectFrom("remote_hands_attachments").select(["content_type", "size_bytes", "file_name"]).where("ticket_id", "=", id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ content_type: type, size_bytes: bytes.byteLength });
    }
  });

  test("a .png holding a PDF, HTML, a ZIP or SVG, and a file over 5 MB, are refused and write nothing", async () => {
    for (const [name, bytes] of [
      ["photo.png", FILES.pdf],
      ["photo.png", FILES.html],
      ["photo.png", FILES.zip],
      ["logo.svg", FILES.svg],
      ["page.html", FILES.html],
    ] as const) {
      expect(await run(t.db, (trx) => openTicket(trx, ticketInput({ attachment: { name, bytes } })))).toEqual({ ok: false, error: "attachment_type" });
    }
    const big = new Uint8Array(5 * 1024 * 1024 + 1);
    big.set(FILES.png);
    expect(await run(t.db, (trx) => openTicket(trx, ticketInput({ attachment: { name: "big.png", bytes: big } })))).toEqual({ ok: false, error: "attachment_too_large" });
    expect(await count(t.db, "remote_hands_tickets")).toBe(0);
    expect(await count(t.db, "remote_hands_attachments")).toBe(0);
    expect(await count(t.db, "audit_log")).toBe(0);
  });

  test("the database's CHECK holds the same rule: a declared PNG with PDF bytes is refused", async () => {
    const id = await open();
    await expect(
      t.db.insertInto("remote_hands_attachments").values({ ticket_id: id, org_id: w.org.a.id, file_name: "x.png", content_type: "image/png", size_bytes: FILES.pdf.byteLength, data: FILES.pdf }).execute(),
    ).rejects.toMatchObject({ constraint: "remote_hands_attachments_magic" });
  });
});

describe("roles, lifecycle, e-mails and audit", () => {
  test("owner, admin and technical open; billing and viewer may not", async () => {
    for (const role of TENANT_ROLES) {
      const r = await run(t.db, (trx) => openTicket(trx, ticketInput({ actor: actorOf(w.a[role]) })));
      expect([role, r.ok]).toEqual([role, ["owner", "admin", "technical"].includes(role)]);
    }
  });

  test("references are numbered per site and year; a repeated form key opens one ticket", async () => {
    const first = await run(t.db, (trx) => openTicket(trx, ticketInput()));
    const second = await run(t.db, (trx) => openTicket(trx, ticketInput({ clientKey: "6b1f3a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b" })));
    const again = await run(t.db, (trx) => openTicket(trx, ticketInput({ clientKey: "6b1f3a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b" })));
    const kin = await run(t.db, (trx) => openTicket(trx, ticketInput({ actor: actorOf(w.kinOwner), contractId: w.contract.kin, allocationIds: [w.alloc.kin] })));
    const year = (await sql<{ y: number }>`SELECT extract(year FROM site_today(${w.ldc.id}::uuid))::integer AS y`.execute(t.db)).rows[0].y;
    expect([first, second, again, kin].map((r) => (r.ok ? r.ref : r.error))).toEqual([`RH-LDC-${year}-0001`, `RH-LDC-${year}-0002`, `RH-LDC-${year}-0002`, `RH-KIN-${year}-0001`]);
    expect(again).toMatchObject({ repeated: true });
  });

  test("open → taken → update → closed: the tenant is e-mailed in its language at each step; every operator action is audited", async () => {
    await t.db.updateTable("users").set({ locale: "en" }).where("id", "=", w.a.owner.id).execute();
    const id = await open();
    const noc = opActor(w.ops.ops_noc);
    // The operators hear of the new ticket.
    expect((await outbox(t.db, w.ops.ops_noc.email)).map((m) => m.subject)).toEqual([expect.stringContaining("Intervention à prendre")]);
    await run(t.db, (trx) => takeTicket(trx, { actor: noc, ticketId: id }));
    await run(t.db, (trx) => postUpdate(trx, { actor: noc, ticketId: id, body: "Serveur éteint, redémarrage en cours." }));
    await run(t.db, (trx) => logTime(trx, { actor: noc, ticketId: id, minutes: 20 }));
    await run(t.db, (trx) => closeTicket(trx, { actor: noc, ticketId: id, result: "Serveur joignable." }));
    const owner = await outbox(t.db, w.a.owner.email);
    expect(owner.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^Your remote-hands ticket RH-LDC-\d{4}-0001 is in hand/),
      expect.stringMatching(/^Update on your remote-hands ticket/),
      expect.stringMatching(/^Remote hands RH-LDC-\d{4}-0001 done/),
    ]);
    const tech = await outbox(t.db, w.a.technical.email);
    expect(tech.map((m) => m.subject)).toEqual([expect.stringContaining("est prise en charge"), expect.stringContaining("Compte rendu"), expect.stringContaining("terminée")]);
    // billing and viewer members are not the technical contacts.
    expect(await outbox(t.db, w.a.viewer.email)).toEqual([]);
    const audit = await t.db.selectFrom("audit_log").select(["action", "actor_user_id"]).where("entity_id", "=", id).orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["remotehands.opened", "remotehands.taken", "remotehands.updated", "remotehands.time_logged", "remotehands.closed"]);
    expect(audit.slice(1).every((a) => a.actor_user_id === w.ops.ops_noc.id)).toBe(true);
    const ticket = (await getForTenant(t.db, { orgId: w.org.a.id, ticketId: id }))!;
    expect(ticket.events.map((e) => e.kind)).toEqual(["created", "taken", "update", "time", "closed"]);
  });

  test("the database allows only the lifecycle's moves", async () => {
    const id = await open();
    await expect(t.db.updateTable("remote_hands_tickets").set({ status: "closed" }).where("id", "=", id).execute()).rejects.toBeTruthy();
    await expect(t.db.updateTable("remote_hands_tickets").set({ description: "autre chose" }).where("id", "=", id).execute()).rejects.toMatchObject({ hint: "remote_hands_frozen" });
    await expect(t.db.deleteFrom("remote_hands_tickets").where("id", "=", id).execute()).rejects.toMatchObject({ hint: "remote_hands_frozen" });
    expect((await run(t.db, (trx) => cancelTicket(trx, { actor: actorOf(w.a.admin), ticketId: id }))).ok).toBe(true);
    expect(await run(t.db, (trx) => takeTicket(trx, { actor: opActor(w.ops.ops_noc), ticketId: id }))).toEqual({ ok: false, error: "wrong_state" });
    await expect(t.db.updateTable("remote_hands_tickets").set({ status: "taken", taken_at: new Date() }).where("id", "=", id).execute()).rejects.toBeTruthy();
  });

  test("cancel: only while open, only by its organisation's ordering roles", async () => {
    const id = await open();
    expect(await run(t.db, (trx) => cancelTicket(trx, { actor: actorOf(w.a.viewer), ticketId: id }))).toEqual({ ok: false, error: "not_allowed" });
    expect(await run(t.db, (trx) => cancelTicket(trx, { actor: actorOf(w.b), ticketId: id }))).toEqual({ ok: false, error: "not_found" });
    await run(t.db, (trx) => takeTicket(trx, { actor: opActor(w.ops.ops_noc), ticketId: id }));
    expect(await run(t.db, (trx) => cancelTicket(trx, { actor: actorOf(w.a.owner), ticketId: id }))).toEqual({ ok: false, error: "wrong_state" });
  });
});

describe("another tenant's tickets", () => {
  test("are not found, not listed, not counted", async () => {
    const id = await open();
    expect(await getForTenant(t.db, { orgId: w.org.b.id, ticketId: id })).toBeUndefined();
    expect(await getForTenant(t.db, { orgId: w.org.b.id, ticketId: "x' OR 1=1 --" })).toBeUndefined();
    expect(await listForTenant(t.db, { orgId: w.org.b.id })).toEqual([]);
    expect(await ticketDeskCounts(t.db, w.org.b.id)).toEqual({ open: 0, attention: 0 });
    expect((await listForTenant(t.db, { orgId: w.org.a.id })).map((x) => x.id)).toEqual([id]);
  });
});

describe("service levels and the desk", () => {
  test("waited, met or missed against the target copied at opening", async () => {
    expect(serviceLevel({ openedAt: "2026-11-10T08:00:00Z", takenAt: "2026-11-10T08:45:00Z", targetMinutes: 60, status: "taken" })).toEqual({ waitedMinutes: 45, met: true, targetMinutes: 60 });
    expect(serviceLevel({ openedAt: "2026-11-10T08:00:00Z", takenAt: "2026-11-10T09:01:00Z", targetMinutes: 60, status: "closed" })).toMatchObject({ waitedMinutes: 61, met: false });
    expect(serviceLevel({ openedAt: "2026-11-10T08:00:00Z", takenAt: null, targetMinutes: 60, status: "open", now: at("2026-11-10T08:30:00Z") })).toMatchObject({ waitedMinutes: 30, met: undefined });
    expect(serviceLevel({ openedAt: "2026-11-10T08:00:00Z", takenAt: null, targetMinutes: 60, status: "open", now: at("2026-11-10T10:00:00Z") })).toMatchObject({ waitedMinutes: 120, met: false });
  });

  test("queue: urgent first, then oldest; flags; the month's service levels per site", async () => {
    const noc = opActor(w.ops.ops_noc);
    const old = await open({ now: at("2026-11-10T06:00:00Z"), description: "Standard ancien" });
    const urgent = await open({ urgency: "urgent", now: at("2026-11-10T08:00:00Z"), description: "Urgent récent" });
    const recent = await open({ now: at("2026-11-10T07:00:00Z"), description: "Standard récent" });
    const queue = await ticketQueue(t.db, w.ldc.id, 10, at("2026-11-10T08:30:00Z"));
    expect(queue.total).toBe(3);
    expect(queue.items.map((i) => i.id)).toEqual([urgent, old, recent]);
    expect(queue.items.map((i) => i.flagKey)).toEqual(["remotehands.flag.urgent", undefined, undefined]);
    expect(queue.items[0]).toMatchObject({ href: `/ops/desk/tickets/${urgent}`, orgName: "Kossi Digital", statusKey: "remotehands.status.open" });
    expect((await ticketQueue(t.db, w.ldc.id, 0)).items).toEqual([]);
    // Urgent target (60 min) met; the old standard one taken after 5 h (target 240) missed.
    await run(t.db, (trx) => takeTicket(trx, { actor: noc, ticketId: urgent, now: at("2026-11-10T08:50:00Z") }));
    await run(t.db, (trx) => takeTicket(trx, { actor: noc, ticketId: old, now: at("2026-11-10T11:00:00Z") }));
    await run(t.db, (trx) => closeTicket(trx, { actor: noc, ticketId: urgent, result: "ok", now: at("2026-11-10T09:00:00Z") }));
    const levels = await ticketServiceLevels(t.db, "2026-11");
    expect(levels.find((l) => l.siteCode === "LDC")).toEqual({ siteCode: "LDC", siteName: w.ldc.name, tickets: 3, closed: 1, met: 1 });
    expect(levels.find((l) => l.siteCode === "KIN")).toMatchObject({ tickets: 0, closed: 0, met: 0 });
    expect(await ticketServiceLevels(t.db, "2026-13")).toEqual([]);
    const page = (await siteQueue(t.db, { siteCode: "LDC", now: at("2026-11-10T12:00:00Z") }))!;
    expect(page.tickets.map((x) => [x.id, x.serviceLevel.met])).toEqual([
      [old, false],
      [recent, false],
    ]);
  });

  test("tenant counts: open, and attention for operator news not seen yet", async () => {
    const id = await open();
    expect(await ticketDeskCounts(t.db, w.org.a.id)).toEqual({ open: 1, attention: 0 });
    await run(t.db, (trx) => takeTicket(trx, { actor: opActor(w.ops.ops_noc), ticketId: id }));
    expect(await ticketDeskCounts(t.db, w.org.a.id)).toEqual({ open: 1, attention: 1 });
    await t.db.updateTable("remote_hands_tickets").set({ tenant_seen_at: new Date(Date.now() + 1000) }).where("id", "=", id).execute();
    expect(await ticketDeskCounts(t.db, w.org.a.id)).toEqual({ open: 1, attention: 0 });
  });
});
