import { createTestDb, type TestDb } from "../support/db";
import { actorOf, crossConnectWorld, opActor, type CrossConnectWorld } from "../support/crossconnect-world";
import { acceptCrossConnect, assignPorts, orderCrossConnect, type Result } from "~/modules/crossconnects/orders.server";
import { inTransactionOrRollback } from "~/utils/db.server";

/**
 * Races (real parallel connections on PostgreSQL, `npm run test:pg`; serialised on PGlite): the
 * row lock on the order and the port exclusion constraint leave exactly one winner.
 */
let t: TestDb;
let w: CrossConnectWorld;
beforeAll(async () => {
  t = await createTestDb({ reference: true });
  w = await crossConnectWorld(t.db);
});
afterAll(() => t.cleanup());

const outcomes = (results: Result[]) => results.map((r) => (r.ok ? "ok" : r.error)).sort();

test("ten operators assigning the same free port to ten orders at once: one wins, the others are told it is taken", async () => {
  const orders: string[] = [];
  for (let i = 0; i < 10; i++) {
    const r = await inTransactionOrRollback((trx) => orderCrossConnect(trx, { actor: actorOf(w.a.owner), contractId: w.contract.a, zKind: "carrier", carrierId: w.carriers.togocom, media: "smf", aPosition: `A${i}` }));
    if (!r.ok) throw new Error(r.error);
    orders.push(r.orderId);
  }
  const [shared, ...others] = w.smfPorts;
  const results = await Promise.all(
    orders.map((orderId, i) =>
      inTransactionOrRollback((trx) => assignPorts(trx, { actor: opActor(w.ops.ops_noc), orderId, aPortId: shared.id, zPortId: others[i].id, zPosition: `ODF ${i}` })).catch(() => ({ ok: false as const, error: "conflict" as const })),
    ),
  );
  expect(outcomes(results).filter((o) => o === "ok")).toHaveLength(1);
  expect(outcomes(results).filter((o) => o !== "ok").every((o) => o === "port_taken" || o === "conflict")).toBe(true);
  const held = await t.db.selectFrom("port_allocations").select(["port_id", "cross_connect_order_id"]).where("port_id", "=", shared.id).execute();
  expect(held).toHaveLength(1);
  // The losers hold no port at all (their Z port was rolled back with the rest).
  expect(await t.db.selectFrom("port_allocations").select("id").where("cross_connect_order_id", "in", orders).execute()).toHaveLength(2);
});

test("the Z side accepting twice at once (two tabs): one acceptance, one audit entry", async () => {
  const r = await inTransactionOrRollback((trx) => orderCrossConnect(trx, { actor: actorOf(w.a.owner), contractId: w.contract.a, zKind: "tenant", zOrgId: w.org.z.id, media: "smf", aPosition: "A03" }));
  if (!r.ok) throw new Error(r.error);
  const accept = (actor: ReturnType<typeof actorOf>) => inTransactionOrRollback((trx) => acceptCrossConnect(trx, { actor, orderId: r.orderId, zContractId: w.contract.z, zPosition: "C07" }));
  const results = await Promise.all([accept(actorOf(w.z.owner)), accept(actorOf(w.z.technical)), accept(actorOf(w.z.admin))]);
  expect(outcomes(results)).toEqual(["ok", "wrong_state", "wrong_state"]);
  expect(await t.db.selectFrom("audit_log").select("id").where("entity_id", "=", r.orderId).where("action", "=", "crossconnect.accepted").execute()).toHaveLength(1);
});
