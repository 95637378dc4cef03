import { createTestDb, type TestDb } from "../support/db";
import { actorOf, deliveriesWorld, opActor, type DeliveriesWorld } from "./deliveries-world";
import { announceDelivery, receiveDelivery, type Result } from "~/modules/deliveries/deliveries.server";
import { inTransactionOrRollback } from "~/utils/db.server";

/**
 * Races (real parallel connections on PostgreSQL with TEST_DATABASE_URL; serialised on PGlite): the
 * row lock and the database's trigger leave exactly one receipt.
 */
let t: TestDb;
let w: DeliveriesWorld;
beforeAll(async () => {
  t = await createTestDb({ reference: true });
  w = await deliveriesWorld(t.db);
});
afterAll(() => t.cleanup());

test("20 operators receiving the same delivery at once: one receipt, one event, one audit entry, one round of e-mails", async () => {
  const now = new Date("2026-03-10T10:00:00Z");
  const r = await inTransactionOrRollback((trx) =>
    announceDelivery(trx, { actor: actorOf(w.kossi.owner), siteId: w.ldc.id, carrier: "DHL", trackingNumber: "X1", parcels: 3, expectedOn: "2026-03-10", purpose: "Serveurs", now }),
  );
  if (!r.ok) throw new Error(r.error);
  const results: Result[] = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      inTransactionOrRollback((trx) => receiveDelivery(trx, { actor: opActor(i % 2 ? w.ops.ops_noc : w.ops.ops_admin), deliveryId: r.deliveryId, parcelsReceived: (i % 3) + 1, condition: "good", now })),
    ),
  );
  const outcomes = results.map((x) => (x.ok ? "ok" : x.error));
  expect(outcomes.filter((o) => o === "ok")).toHaveLength(1);
  expect(outcomes.filter((o) => o !== "ok").every((o) => o === "wrong_state")).toBe(true);
  const events = await t.db.selectFrom("delivery_events").select("kind").where("delivery_id", "=", r.deliveryId).execute();
  expect(events.map((e) => e.kind).sort()).toEqual(["announced", "received"]);
  expect(await t.db.selectFrom("audit_log").select("id").where("entity_id", "=", r.deliveryId).where("action", "=", "delivery.received").execute()).toHaveLength(1);
  // Owner, admin and technical: one e-mail each.
  expect(await t.db.selectFrom("email_outbox").select("id").where("template", "=", "delivery_received").execute()).toHaveLength(3);
});
