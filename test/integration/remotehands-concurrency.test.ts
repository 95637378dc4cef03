import { createTestDb, type TestDb } from "../support/db";
import { closeTicket, logTime, openTicket, takeTicket, type Result } from "~/modules/remotehands/tickets.server";
import { inTransactionOrRollback } from "~/utils/db.server";
import { actorOf, opActor, remoteHandsWorld, type RemoteHandsWorld } from "./remotehands-world";

/**
 * Races (real parallel connections on PostgreSQL with TEST_DATABASE_URL; serialised on PGlite): the
 * row lock on the ticket, the lifecycle trigger and the one-charge-per-ticket key leave one winner.
 */
let t: TestDb;
let w: RemoteHandsWorld;
beforeAll(async () => {
  t = await createTestDb({ reference: true });
  w = await remoteHandsWorld(t.db);
}, 300_000);
afterAll(() => t.cleanup());

const outcomes = (results: Result[]) => results.map((r) => (r.ok ? "ok" : r.error));

async function openOne(description: string) {
  const r = await inTransactionOrRollback((trx) => openTicket(trx, { actor: actorOf(w.a.technical), contractId: w.contract.a, allocationIds: [w.alloc.a], kind: "cabling", urgency: "urgent", description }));
  if (!r.ok) throw new Error(r.error);
  return r.ticketId;
}

test("20 operators taking one ticket at once: one takes it, 19 find it taken; one 'taken' event, one e-mail round", async () => {
  const id = await openOne("Brasser le port 12");
  const results = await Promise.all(
    Array.from({ length: 20 }, () => inTransactionOrRollback((trx) => takeTicket(trx, { actor: opActor(w.ops.ops_noc), ticketId: id })).catch(() => ({ ok: false as const, error: "conflict" as const }))),
  );
  expect(outcomes(results).filter((o) => o === "ok")).toHaveLength(1);
  expect(outcomes(results).filter((o) => o !== "ok").every((o) => o === "wrong_state" || o === "conflict")).toBe(true);
  expect(await t.db.selectFrom("remote_hands_events").select("id").where("ticket_id", "=", id).where("kind", "=", "taken").execute()).toHaveLength(1);
  expect(await t.db.selectFrom("audit_log").select("id").where("entity_id", "=", id).where("action", "=", "remotehands.taken").execute()).toHaveLength(1);
});

test("20 closes of one ticket at once: one close, one charge (20 min → 30 billed = 26 250 XOF)", async () => {
  const id = await openOne("Remplacer le SFP du port 3");
  const noc = opActor(w.ops.ops_noc);
  await inTransactionOrRollback((trx) => takeTicket(trx, { actor: noc, ticketId: id }));
  await inTransactionOrRollback((trx) => logTime(trx, { actor: noc, ticketId: id, minutes: 20 }));
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      inTransactionOrRollback((trx) => closeTicket(trx, { actor: noc, ticketId: id, result: `Fait (${i})` })).catch(() => ({ ok: false as const, error: "conflict" as const })),
    ),
  );
  expect(outcomes(results).filter((o) => o === "ok")).toHaveLength(1);
  const charges = await t.db.selectFrom("one_off_charges").select(["amount_minor", "quantity", "remote_hands_ticket_id"]).where("remote_hands_ticket_id", "=", id).execute();
  expect(charges).toEqual([{ amount_minor: 26_250, quantity: "0.50", remote_hands_ticket_id: id }]);
  expect(await t.db.selectFrom("remote_hands_events").select("id").where("ticket_id", "=", id).where("kind", "=", "closed").execute()).toHaveLength(1);
});
