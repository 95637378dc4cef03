import * as tenantHub from "~/routes/app.desk._index";
import * as tenantArea from "~/routes/app";
import * as tenantTicket from "~/routes/app.desk.tickets.$ticketId";
import * as opsHub from "~/routes/ops.desk._index";
import * as siteHub from "~/routes/ops.desk.$siteCode._index";
import { announceDelivery, receiveDelivery } from "~/modules/deliveries/deliveries.server";
import { openTicket, takeTicket } from "~/modules/remotehands/tickets.server";
import { refuseVisit, registerVisit } from "~/modules/siteaccess/visits.server";
import { siteDesk, tenantDesk } from "~/modules/servicedesk/hub.server";
import { dayIn } from "~/utils/dates";
import type { Trx } from "#db/types";
import { createTestDb, type TestDb } from "../support/db";
import { body, call, getRequest } from "../support/http";
import { actorOf, deliveriesWorld, opActor, type DeliveriesWorld } from "./deliveries-world";

/**
 * The service desk's hubs put together from the three areas, in a world of two tenants at two
 * sites (Lomé UTC+0, Kinshasa UTC+1): each tenant counts exactly its own tickets, visits and
 * parcels, each site's desk lists exactly its own, and nobody else's item ever shows.
 *
 * Kossi Digital: a ticket at LDC taken by the NOC (an operator's step it has not seen), a ticket at
 * KIN, a visitor registered at LDC for tomorrow, a parcel received at LDC (waiting for it).
 * Togo Cloud: a ticket at LDC still open, a visitor at LDC refused (to read).
 */
let t: TestDb;
let w: DeliveriesWorld;
const now = new Date();
const tomorrow = (tz: string) => dayIn(tz, new Date(now.getTime() + 86_400_000));

async function ok<T extends { ok: boolean }>(p: Promise<T>): Promise<T> {
  const r = await p;
  expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
  return r;
}

async function allocationsOf(contractId: string) {
  const rows = await t.db.selectFrom("allocations").select("id").where("contract_id", "=", contractId).where("end_on", "is", null).execute();
  return rows.map((r) => r.id);
}

let ids: { kossiLdcTicket: string; kossiKinTicket: string; togoTicket: string; kossiVisit: string; togoVisit: string; kossiParcel: string };

beforeAll(async () => {
  t = await createTestDb({ reference: true });
  w = await deliveriesWorld(t.db);
  const noc = opActor(w.ops.ops_noc);
  const tx = <T>(fn: (trx: Trx) => Promise<T>) => t.db.transaction().execute(fn);
  const ticket = (member: Parameters<typeof actorOf>[0], contractId: string, allocationIds: string[], description: string) =>
    ok(tx((trx) => openTicket(trx, { actor: actorOf(member), contractId, allocationIds, kind: "reboot", urgency: "standard", description, now })));
  const kossiLdc = await ticket(w.kossi.technical, w.contract.kossi, (await allocationsOf(w.contract.kossi)).slice(0, 1), "Redémarrer le serveur web");
  const kossiKin = await ticket(w.kossi.technical, w.contract.kossiKin, await allocationsOf(w.contract.kossiKin), "Vérifier les voyants");
  const togo = await ticket(w.togo, w.contract.togo, await allocationsOf(w.contract.togo), "Brasser le port 3");
  await ok(tx((trx) => takeTicket(trx, { actor: noc, ticketId: (kossiLdc as { ticketId: string }).ticketId, now })));

  const visit = (member: Parameters<typeof actorOf>[0], rackId: string, name: string) =>
    ok(
      tx((trx) =>
        registerVisit(trx, {
          actor: actorOf(member),
          siteId: w.ldc.id,
          visitOn: tomorrow("Africa/Lome"),
          windowStart: "09:00",
          windowEnd: "17:00",
          visitorName: name,
          company: "Prestataire SARL",
          idDocType: "national_id",
          idDocNumber: "TG-12345678",
          escortNeeded: false,
          rackIds: [rackId],
          now,
        }),
      ),
    );
  const kossiVisit = await visit(w.kossi.technical, w.rack.kossi.id, "Afi Mensah");
  const togoVisit = await visit(w.togo, w.rack.togo.id, "Yao Agbeko");
  await ok(tx((trx) => refuseVisit(trx, { actor: noc, visitId: (togoVisit as { visitId: string }).visitId, reason: "Pièce d'identité illisible", now })));

  const parcel = await ok(
    tx((trx) =>
      announceDelivery(trx, { actor: actorOf(w.kossi.technical), siteId: w.ldc.id, carrier: "DHL Express", trackingNumber: "JD0146", parcels: 2, expectedOn: dayIn("Africa/Lome", now), purpose: "Disques", now }),
    ),
  );
  await ok(tx((trx) => receiveDelivery(trx, { actor: noc, deliveryId: (parcel as { deliveryId: string }).deliveryId, parcelsReceived: 2, condition: "good", now })));
  ids = {
    kossiLdcTicket: (kossiLdc as { ticketId: string }).ticketId,
    kossiKinTicket: (kossiKin as { ticketId: string }).ticketId,
    togoTicket: (togo as { ticketId: string }).ticketId,
    kossiVisit: (kossiVisit as { visitId: string }).visitId,
    togoVisit: (togoVisit as { visitId: string }).visitId,
    kossiParcel: (parcel as { deliveryId: string }).deliveryId,
  };
});
afterAll(() => t.cleanup());

test("each tenant counts exactly its own items, and the menu's badge is the sum of what awaits it", async () => {
  expect(await tenantDesk(t.db, w.org.kossi.id, now)).toEqual({
    tickets: { open: 2, attention: 1 }, // the LDC ticket taken by the NOC, not yet seen
    visits: { open: 1, attention: 0 },
    deliveries: { open: 1, attention: 1 }, // received, waiting at the site
    attention: 2,
  });
  expect(await tenantDesk(t.db, w.org.togo.id, now)).toEqual({
    tickets: { open: 1, attention: 0 },
    visits: { open: 0, attention: 1 }, // refused: to read
    deliveries: { open: 0, attention: 0 },
    attention: 1,
  });
  expect((await tenantDesk(t.db, w.org.ancien.id, now)).attention).toBe(0);

  // The pages say the same to any member, whatever its role; only owners, admins and technicians may order.
  for (const role of ["owner", "viewer", "billing"] as const) {
    const hub = await body(await call(tenantHub.loader, getRequest("/app/desk", { cookie: w.kossi[role].cookie })));
    expect(hub.desk.attention, role).toBe(2);
    expect(hub.canOrder, role).toBe(role === "owner");
    const area = await body(await call(tenantArea.loader, getRequest("/app/desk", { cookie: w.kossi[role].cookie })));
    expect(area.deskAttention, role).toBe(2);
  }
  const togoArea = await body(await call(tenantArea.loader, getRequest("/app", { cookie: w.togo.cookie })));
  expect(togoArea.deskAttention).toBe(1);
});

test("the menu's badge is kept a few seconds per organisation: this process's writes show at once, another process's within five seconds", async () => {
  const badge = async (cookie: string) => (await body(await call(tenantArea.loader, getRequest("/app", { cookie })))).deskAttention as number;
  expect(await badge(w.kossi.owner.cookie)).toBe(2);
  expect(await badge(w.togo.cookie)).toBe(1);

  // Another server process takes Kossi's Kinshasa ticket: its write is not this process's (the
  // process-wide count of writes is put back to what it was, as if the write came from elsewhere).
  const g = globalThis as unknown as { __portalWrites?: number };
  const before = g.__portalWrites;
  await ok(t.db.transaction().execute((trx) => takeTicket(trx, { actor: opActor(w.ops.ops_noc), ticketId: ids.kossiKinTicket, now: new Date() })));
  g.__portalWrites = before;
  expect((await tenantDesk(t.db, w.org.kossi.id)).attention).toBe(3);
  expect(await badge(w.kossi.owner.cookie)).toBe(2); // kept
  expect(await badge(w.togo.cookie)).toBe(1); // each organisation its own

  // Five seconds later the kept badge has expired.
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 5_001 });
  try {
    expect(await badge(w.kossi.owner.cookie)).toBe(3);
    expect(await badge(w.togo.cookie)).toBe(1);
    // A member reads the ticket here: this process wrote, the badge follows at once.
    await call(tenantTicket.loader, getRequest(`/app/desk/tickets/${ids.kossiKinTicket}`, { cookie: w.kossi.owner.cookie }), { ticketId: ids.kossiKinTicket });
    expect(await badge(w.kossi.viewer.cookie)).toBe(2);
    expect((await tenantDesk(t.db, w.org.kossi.id)).attention).toBe(2);
  } finally {
    vi.useRealTimers();
  }
});

test("each site's desk lists exactly its own queues, in order, with the organisation named", async () => {
  const ldc = (await siteDesk(t.db, "LDC", now))!;
  expect(ldc.tickets.total).toBe(2);
  expect(ldc.tickets.items.map((i) => i.id).sort()).toEqual([ids.kossiLdcTicket, ids.togoTicket].sort());
  expect(ldc.visits.total).toBe(1); // Togo's refused visitor is no longer in the queue
  expect(ldc.visits.items.map((i) => [i.id, i.orgName])).toEqual([[ids.kossiVisit, "Kossi Digital"]]);
  expect(ldc.deliveries.items.map((i) => [i.id, i.orgName])).toEqual([[ids.kossiParcel, "Kossi Digital"]]);

  const kin = (await siteDesk(t.db, "KIN", now))!;
  expect([kin.tickets.total, kin.visits.total, kin.deliveries.total]).toEqual([1, 0, 0]);
  expect(kin.tickets.items[0].id).toBe(ids.kossiKinTicket);
  expect(kin.site.today).toBe(dayIn("Africa/Kinshasa", now));
  expect(await siteDesk(t.db, "NOPE", now)).toBeNull();
});

test("operators of every role read the desks; tenants and unknown sites get 404, hostile months a notice, never a 5xx", async () => {
  for (const role of ["ops_admin", "ops_noc", "ops_finance"] as const) {
    const overview = await body(await call(opsHub.loader, getRequest("/ops/desk", { cookie: w.ops[role].cookie })));
    expect(overview.sites.find((s: { code: string }) => s.code === "LDC"), role).toEqual({ code: "LDC", name: w.ldc.name, tickets: 2, visits: 1, deliveries: 1 });
    const site = await call(siteHub.loader, getRequest("/ops/desk/KIN", { cookie: w.ops[role].cookie }), { siteCode: "KIN" });
    expect(site.status, role).toBe(200);
  }
  const sla = await body(await call(opsHub.loader, getRequest(`/ops/desk?month=${dayIn("UTC", now).slice(0, 7)}`, { cookie: w.ops.ops_noc.cookie })));
  expect(sla.badMonth).toBe(false);
  expect(sla.serviceLevels.reduce((n: number, r: { tickets: number }) => n + r.tickets, 0)).toBe(3);
  for (const month of ["0000-01", "9999-12", "2026-13", "x'; DROP TABLE sites;--", "2026-1\u0000"]) {
    const res = await call(opsHub.loader, getRequest(`/ops/desk?month=${encodeURIComponent(month)}`, { cookie: w.ops.ops_noc.cookie }));
    expect(res.status, month).toBe(200);
    expect((await body(res)).badMonth, month).toBe(true);
  }
  expect((await call(siteHub.loader, getRequest("/ops/desk/NOPE", { cookie: w.ops.ops_noc.cookie }), { siteCode: "NOPE" })).status).toBe(404);
  expect((await call(opsHub.loader, getRequest("/ops/desk", { cookie: w.kossi.owner.cookie }))).status).toBe(404);
  expect((await call(siteHub.loader, getRequest("/ops/desk/LDC", { cookie: w.togo.cookie }), { siteCode: "LDC" })).status).toBe(404);
});
