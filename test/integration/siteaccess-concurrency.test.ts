import { createTestDb, type TestDb } from "../support/db";
import { inTransactionOrRollback } from "~/utils/db.server";
import { addBadgeHolder } from "~/modules/siteaccess/badges.server";
import { approveVisit, checkInVisit, registerVisit, type Result } from "~/modules/siteaccess/visits.server";
import { runSiteAccess } from "~/modules/siteaccess/daily.server";
import { actorOf, at, opActor, plus, siteAccessWorld, type SiteAccessWorld } from "./siteaccess-world";

/**
 * Races (real parallel connections on PostgreSQL, `npm run test:pg`; serialised on PGlite): the
 * advisory lock of the badge limit, the visit's row lock and the reminders' unique key leave
 * exactly one winner.
 */
let t: TestDb;
let w: SiteAccessWorld;
beforeAll(async () => {
  t = await createTestDb({ reference: true });
  w = await siteAccessWorld(t.db);
}, 180_000);
afterAll(() => t.cleanup());

const outcomes = (results: Result[]) => results.map((r) => (r.ok ? "ok" : r.error)).sort();

test("six members adding badge holders at once with four places left: four are added, two refused", async () => {
  const add = (i: number) =>
    inTransactionOrRollback((trx) =>
      addBadgeHolder(trx, { actor: actorOf(w.a.owner), siteId: w.ldc.id, name: `Holder ${i}`, company: "Kossi", idDocType: "passport", idDocNumber: `P${1000000 + i}`, validUntil: plus(w.today, 60) }),
    ).catch(() => ({ ok: false as const, error: "conflict" as const }));
  for (let i = 0; i < 6; i++) expect((await add(i)).ok).toBe(true);
  const results = await Promise.all([6, 7, 8, 9, 10, 11].map(add));
  expect(outcomes(results).filter((o) => o === "ok")).toHaveLength(4);
  expect(outcomes(results).filter((o) => o !== "ok").every((o) => o === "badge_limit" || o === "conflict")).toBe(true);
  expect(await t.db.selectFrom("badge_holders").select("id").where("org_id", "=", w.org.a.id).execute()).toHaveLength(10);
});

test("three operators approving and two desks checking in at once: one approval, one check-in, one audit entry each", async () => {
  const r = await inTransactionOrRollback((trx) =>
    registerVisit(trx, { actor: actorOf(w.a.owner), siteId: w.ldc.id, visitOn: w.D, windowStart: "09:00", windowEnd: "11:00", visitorName: "Race Visitor", company: "K", idDocType: "passport", idDocNumber: "P7654321", escortNeeded: false, rackIds: [w.racks.r1.id] }),
  );
  if (!r.ok) throw new Error(r.error);
  const approve = () => inTransactionOrRollback((trx) => approveVisit(trx, { actor: opActor(w.ops.ops_noc), visitId: r.visitId }));
  expect(outcomes(await Promise.all([approve(), approve(), approve()]))).toEqual(["ok", "wrong_state", "wrong_state"]);
  const checkIn = () => inTransactionOrRollback((trx) => checkInVisit(trx, { actor: opActor(w.ops.ops_admin), visitId: r.visitId, now: at(w.D, "09:15") }));
  expect(outcomes(await Promise.all([checkIn(), checkIn()]))).toEqual(["already_checked_in", "ok"]);
  const actions = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", r.visitId).execute();
  expect(actions.map((a) => a.action).sort()).toEqual(["visit.approved", "visit.checked_in", "visit.registered"]);
});

test("two job runs at once send each badge reminder once", async () => {
  const results = await Promise.all([runSiteAccess(t.db, { today: plus(w.today, 5), siteCodes: ["LDC"] }), runSiteAccess(t.db, { today: plus(w.today, 5), siteCodes: ["LDC"] })]);
  // The ten holders of the first test end on today + 60: 55 days left, no reminder yet; at +30 the 30-day one.
  expect(results.map((x) => x.reminders)).toEqual([0, 0]);
  const due = await Promise.all([runSiteAccess(t.db, { today: plus(w.today, 30), siteCodes: ["LDC"] }), runSiteAccess(t.db, { today: plus(w.today, 30), siteCodes: ["LDC"] })]);
  expect(due[0].reminders + due[1].reminders).toBe(10);
  expect(await t.db.selectFrom("badge_reminders").select("id").execute()).toHaveLength(10);
});
