import { sql } from "kysely";
import { createTestDb, type TestDb } from "../support/db";
import { inTransactionOrRollback } from "~/utils/db.server";
import {
  approveVisit,
  cancelVisit,
  checkInVisit,
  checkOutVisit,
  getVisitForOperator,
  getVisitForTenant,
  listVisitsForTenant,
  refuseVisit,
  registerVisit,
  securityList,
  type RegisterInput,
} from "~/modules/siteaccess/visits.server";
import { addBadgeHolder, badgesForTenant, renewBadgeHolder, revokeBadgeHolder } from "~/modules/siteaccess/badges.server";
import { idRetentionDays, reminderDue, runSiteAccess } from "~/modules/siteaccess/daily.server";
import { visitDeskCounts, visitQueue } from "~/modules/siteaccess/desk.server";
import { maskIdNumber } from "~/modules/siteaccess/shared";
import { applyTermination, requestTermination } from "~/modules/requests/contracts.server";
import { actorOf, at, opActor, plus, siteAccessWorld, type SiteAccessWorld } from "./siteaccess-world";

/** A window of today (UTC = Lomé) that has not ended: from the current hour to 23:59, 12 hours at most. */
function windowAroundNow() {
  const hour = new Date().getUTCHours();
  const end = Math.min(23 * 60 + 59, hour * 60 + 12 * 60);
  const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  return { windowStart: hm(hour * 60), windowEnd: hm(end) };
}

let t: TestDb;
let w: SiteAccessWorld;
// The migrated base is built once per worker: on a loaded machine that takes more than the default minute.
beforeEach(async () => {
  t = await createTestDb({ reference: true });
  w = await siteAccessWorld(t.db);
}, 180_000);
afterEach(async () => t.cleanup());

const counts = async () => {
  const n = async (table: "visits" | "visit_racks" | "audit_log" | "email_outbox" | "badge_holders") =>
    Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
  return { visits: await n("visits"), racks: await n("visit_racks"), audit: await n("audit_log"), mail: await n("email_outbox"), badges: await n("badge_holders") };
};

function visitInput(overrides: Partial<RegisterInput> = {}): RegisterInput {
  return {
    actor: actorOf(w.a.technical),
    siteId: w.ldc.id,
    visitOn: w.D,
    windowStart: "09:00",
    windowEnd: "12:00",
    visitorName: "Afi Mensah",
    company: "Kossi Digital",
    idDocType: "national_id",
    idDocNumber: "TG-0012345678",
    escortNeeded: false,
    rackIds: [w.racks.r1.id],
    ...overrides,
  };
}

const register = (overrides: Partial<RegisterInput> = {}) => inTransactionOrRollback((trx) => registerVisit(trx, visitInput(overrides)));
const asOp = (role: "ops_noc" | "ops_admin" = "ops_noc") => opActor(w.ops[role]);
const approve = (visitId: string) => inTransactionOrRollback((trx) => approveVisit(trx, { actor: asOp(), visitId }));

async function registered(overrides: Partial<RegisterInput> = {}) {
  const r = await register(overrides);
  if (!r.ok) throw new Error(`register refused: ${r.error}`);
  return r.visitId;
}

describe("registration: racks held on the visit's day only", () => {
  test("a visit for its own rack is recorded requested, audited with the number masked, the operators who handle visits e-mailed", async () => {
    const id = await registered();
    const v = await t.db.selectFrom("visits").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(v.status).toBe("requested");
    expect(v.id_doc_number).toBe("TG-0012345678");
    const audit = await t.db.selectFrom("audit_log").select(["action", "after"]).where("entity_id", "=", id).execute();
    expect(audit.map((a) => a.action)).toEqual(["visit.registered"]);
    expect(JSON.stringify(audit[0].after)).not.toContain("0012345678");
    expect(JSON.stringify(audit[0].after)).toContain("•••••5678");
    const mails = await t.db.selectFrom("email_outbox").select(["to_address", "template", "text"]).execute();
    // ops_noc and ops_admin, not ops_finance.
    expect(mails.map((m) => m.to_address).sort()).toEqual([w.ops.ops_admin.email, w.ops.ops_noc.email].sort());
    for (const m of mails) expect(m.text).not.toContain("0012345678");
  });

  test.each([
    ["another tenant's rack", () => w.racks.r3.id, () => w.D],
    ["its own rack before its allocation starts", () => w.racks.r2.id, () => plus(w.D, 4)],
    ["its own rack after its allocation ends", () => w.racks.r2.id, () => plus(w.D, 9)],
    ["a rack at another site", () => w.racks.k1.id, () => w.D],
  ])("%s is refused and writes nothing", async (_, rack, day) => {
    const before = await counts();
    const r = await register({ rackIds: [w.racks.r1.id, rack()], visitOn: day() });
    expect(r).toEqual({ ok: false, error: "rack_not_held" });
    expect(await counts()).toEqual(before);
  });

  test("its own rack on the allocation's first and last day is accepted", async () => {
    expect((await register({ rackIds: [w.racks.r2.id], visitOn: plus(w.D, 5) })).ok).toBe(true);
    expect((await register({ rackIds: [w.racks.r2.id], visitOn: plus(w.D, 8) })).ok).toBe(true);
  });

  test("a terminated contract's rack after its last day is refused", async () => {
    const r = await inTransactionOrRollback((trx) => registerVisit(trx, visitInput({ actor: actorOf(w.c), rackIds: [w.racks.r4.id] })));
    expect(r).toEqual({ ok: false, error: "rack_not_held" });
  });

  test("the database refuses a rack not held that day even when the application is bypassed", async () => {
    const id = await registered();
    await expect(t.db.insertInto("visit_racks").values({ visit_id: id, rack_id: w.racks.r3.id }).execute()).rejects.toMatchObject({ hint: "rack_not_held" });
    await approve(id);
    await expect(t.db.insertInto("visit_racks").values({ visit_id: id, rack_id: w.racks.r1.id }).execute()).rejects.toMatchObject({ hint: "visit_frozen" });
    await expect(
      t.db.transaction().execute(async (trx) => {
        const v = await trx
          .insertInto("visits")
          .values({ org_id: w.org.a.id, site_id: w.ldc.id, visitor_name: "X Y", company: "Z", id_doc_type: "passport", id_doc_number: "AB123456", visit_on: w.D, window_start: "09:00", window_end: "10:00" })
          .returning("id")
          .executeTakeFirstOrThrow();
        await trx.insertInto("visit_racks").values({ visit_id: v.id, rack_id: w.racks.r3.id }).execute();
      }),
    ).rejects.toMatchObject({ hint: "rack_not_held" });
    // A visit without any rack does not commit.
    await expect(
      t.db
        .insertInto("visits")
        .values({ org_id: w.org.a.id, site_id: w.ldc.id, visitor_name: "X Y", company: "Z", id_doc_type: "passport", id_doc_number: "AB123456", visit_on: w.D, window_start: "09:00", window_end: "10:00" })
        .execute(),
    ).rejects.toMatchObject({ hint: "visit_without_rack" });
    expect((await counts()).visits).toBe(1);
  });

  test("windows: in the past, longer than 12 hours, end before start, more than 90 days ahead — refused, nothing written; the database holds the same", async () => {
    const before = await counts();
    expect(await register({ visitOn: plus(w.today, -1) })).toEqual({ ok: false, error: "visit_in_past" });
    expect(await register({ windowStart: "06:00", windowEnd: "18:01" })).toEqual({ ok: false, error: "window_too_long" });
    expect(await register({ windowStart: "12:00", windowEnd: "11:00" })).toEqual({ ok: false, error: "window_order" });
    expect(await register({ visitOn: plus(w.today, 91) })).toEqual({ ok: false, error: "visit_too_far" });
    expect(await register({ windowStart: "06:00", windowEnd: "18:00" })).toMatchObject({ ok: true });
    const after = await counts();
    expect(after.visits).toBe(before.visits + 1);
    const raw = (values: Record<string, unknown>) =>
      t.db
        .insertInto("visits")
        .values({ org_id: w.org.a.id, site_id: w.ldc.id, visitor_name: "X Y", company: "Z", id_doc_type: "passport", id_doc_number: "AB123456", visit_on: w.D, window_start: "09:00", window_end: "10:00", ...values })
        .execute();
    await expect(raw({ visit_on: plus(w.today, -1) })).rejects.toMatchObject({ hint: "visit_in_past" });
    await expect(raw({ window_start: "01:00", window_end: "13:30" })).rejects.toMatchObject({ constraint: "visits_window" });
    await expect(raw({ window_start: "10:00", window_end: "09:00" })).rejects.toMatchObject({ constraint: "visits_window" });
    await expect(raw({ visit_on: plus(w.today, 91) })).rejects.toMatchObject({ hint: "visit_too_far" });
    await expect(raw({ status: "approved" })).rejects.toMatchObject({ hint: "visit_transition" });
  });

  test("billing and viewer members may not register; the same form key twice records one visit", async () => {
    for (const role of ["billing", "viewer"] as const) expect(await register({ actor: actorOf(w.a[role]) })).toEqual({ ok: false, error: "not_allowed" });
    for (const role of ["owner", "admin", "technical"] as const) expect((await register({ actor: actorOf(w.a[role]) })).ok).toBe(true);
    const key = "6f1d9c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f";
    const first = await register({ clientKey: key });
    const second = await register({ clientKey: key });
    expect(first.ok && second.ok && first.visitId === second.visitId).toBe(true);
    expect((await counts()).visits).toBe(4);
  });
});

describe("the security desk list", () => {
  test("shows exactly the approved visits of that day and site, and the badges valid that day", async () => {
    const shown1 = await registered({ visitorName: "Afi Mensah", windowStart: "13:00", windowEnd: "15:00" });
    const shown2 = await registered({ visitorName: "Kodjo Amavi", windowStart: "08:00", windowEnd: "09:30", escortNeeded: true });
    const shownB = await registered({ actor: actorOf(w.b), visitorName: "Yawa Tchala", rackIds: [w.racks.r3.id], windowStart: "10:00", windowEnd: "11:00" });
    await registered({ visitorName: "Requested Only" });
    const refused = await registered({ visitorName: "Refused Person" });
    const cancelled = await registered({ visitorName: "Cancelled Person" });
    const otherDay = await registered({ visitorName: "Other Day", visitOn: plus(w.D, 1) });
    const kin = await registered({ visitorName: "Kin Visitor", siteId: w.kin.id, rackIds: [w.racks.k1.id] });
    for (const id of [shown1, shown2, shownB, otherDay, kin, cancelled]) expect((await approve(id)).ok).toBe(true);
    expect((await inTransactionOrRollback((trx) => refuseVisit(trx, { actor: asOp(), visitId: refused, reason: "Pièce expirée" }))).ok).toBe(true);
    expect((await inTransactionOrRollback((trx) => cancelVisit(trx, { actor: actorOf(w.a.owner), visitId: cancelled }))).ok).toBe(true);
    // Badges: A current, A revoked, B current at LDC, A at KIN.
    const badge = (actor = actorOf(w.a.owner), name = "Permanent One", siteId = w.ldc.id, validUntil = plus(w.D, 30)) =>
      inTransactionOrRollback((trx) => addBadgeHolder(trx, { actor, siteId, name, company: "Kossi", idDocType: "passport", idDocNumber: "P99887766", validUntil }));
    await badge();
    const revoked = await badge(actorOf(w.a.owner), "Revoked Holder");
    if (!revoked.ok) throw new Error(revoked.error);
    await inTransactionOrRollback((trx) => revokeBadgeHolder(trx, { actor: asOp(), holderId: revoked.holderId }));
    await badge(actorOf(w.b), "Togo Badge");
    await badge(actorOf(w.a.owner), "Kin Badge", w.kin.id);
    await badge(actorOf(w.a.owner), "Ends Before", w.ldc.id, plus(w.D, -1));

    const list = await securityList(t.db, { siteId: w.ldc.id, day: w.D, role: "ops_noc" });
    expect(list.visits.map((v) => v.visitor_name)).toEqual(["Kodjo Amavi", "Yawa Tchala", "Afi Mensah"]);
    expect(list.visits.map((v) => v.id).sort()).toEqual([shown1, shown2, shownB].sort());
    expect(list.visits[0]).toMatchObject({ window_start: "08:00", window_end: "09:30", escort_needed: true, org_name: "Kossi Digital", id_doc_number: "TG-0012345678" });
    expect(list.visits[0].racks.map((r) => r.name)).toEqual([w.racks.r1.name]);
    expect(list.badges.map((b) => b.name)).toEqual(["Permanent One", "Togo Badge"]);
    const kinList = await securityList(t.db, { siteId: w.kin.id, day: w.D, role: "ops_admin" });
    expect(kinList.visits.map((v) => v.id)).toEqual([kin]);
    expect(kinList.badges.map((b) => b.name)).toEqual(["Kin Badge"]);
    // ops_finance reads the list with the numbers masked.
    const masked = await securityList(t.db, { siteId: w.ldc.id, day: w.D, role: "ops_finance" });
    expect(masked.visits.map((v) => v.id_doc_number)).toEqual(["•••••5678", "•••••5678", "•••••5678"]);
    expect(masked.badges[0].id_doc_number).toBe("•••••7766");
  });
});

describe("a contract terminated after its visits were registered", () => {
  test("its visits after the last day can be neither approved nor checked in, and the guard's list says so; other visits are untouched", async () => {
    const approvedAfter = await registered({ visitorName: "Afi Mensah", windowStart: "09:00", windowEnd: "10:00" });
    const requestedAfter = await registered({ visitorName: "Kodjo Amavi" });
    const before = await registered({ visitorName: "Avant Fin", visitOn: plus(w.D, -2) });
    const kinshasa = await registered({ visitorName: "Kin Visiteur", siteId: w.kin.id, rackIds: [w.racks.k1.id], windowStart: "09:00", windowEnd: "10:00" });
    const togo = await registered({ actor: actorOf(w.b), visitorName: "Yawa Tchala", rackIds: [w.racks.r3.id], windowStart: "09:00", windowEnd: "10:00" });
    for (const id of [approvedAfter, before, kinshasa, togo]) expect(await approve(id)).toEqual({ ok: true });

    // Kossi Digital ends its Lomé contract on D − 1, applied by an operator.
    const change = await inTransactionOrRollback((trx) => requestTermination(trx, { orgId: w.org.a.id, contractId: w.contract.a, endOn: plus(w.D, -1), actor: actorOf(w.a.owner) }));
    if (!change.ok) throw new Error(change.error);
    expect((await inTransactionOrRollback((trx) => applyTermination(trx, { changeId: change.changeId, endOn: plus(w.D, -1), actor: asOp("ops_admin") }))).ok).toBe(true);

    const held = async (id: string) => (await getVisitForOperator(t.db, { visitId: id, role: "ops_noc" }))!;
    expect((await held(approvedAfter)).racks_held).toBe(false);
    expect((await held(approvedAfter)).actions).toMatchObject({ checkIn: false });
    expect((await held(requestedAfter)).actions).toMatchObject({ approve: false, refuse: true });
    expect((await held(before)).racks_held).toBe(true);
    expect((await held(kinshasa)).racks_held).toBe(true);
    expect((await held(togo)).racks_held).toBe(true);
    // The tenant reads it on its own visit.
    expect((await getVisitForTenant(t.db, { orgId: w.org.a.id, role: "technical", visitId: approvedAfter }))!.racks_held).toBe(false);

    // The guard's list of D still shows the visit, marked; Togo Cloud's visitor is let in.
    const list = await securityList(t.db, { siteId: w.ldc.id, day: w.D, role: "ops_noc" });
    expect(list.visits.map((v) => [v.visitor_name, v.racks_held])).toEqual([
      ["Afi Mensah", false],
      ["Yawa Tchala", true],
    ]);
    const auditBefore = (await counts()).audit;
    const checkIn = (visitId: string) => inTransactionOrRollback((trx) => checkInVisit(trx, { actor: asOp(), visitId, now: at(w.D, "09:30") }));
    expect(await checkIn(approvedAfter)).toEqual({ ok: false, error: "racks_released" });
    expect(await approve(requestedAfter)).toEqual({ ok: false, error: "racks_released" });
    expect((await counts()).audit).toBe(auditBefore);
    // The database refuses both whatever the application says.
    await expect(t.db.updateTable("visits").set({ checked_in_at: at(w.D, "09:30") }).where("id", "=", approvedAfter).execute()).rejects.toMatchObject({ hint: "racks_released" });
    await expect(t.db.updateTable("visits").set({ status: "approved", decided_at: new Date() }).where("id", "=", requestedAfter).execute()).rejects.toMatchObject({ hint: "racks_released" });
    // Refusing it, or the tenant cancelling, still works; the others check in.
    expect((await inTransactionOrRollback((trx) => refuseVisit(trx, { actor: asOp(), visitId: requestedAfter, reason: "Contrat terminé" }))).ok).toBe(true);
    expect(await checkIn(togo)).toEqual({ ok: true });
    expect(await inTransactionOrRollback((trx) => checkInVisit(trx, { actor: asOp(), visitId: kinshasa, now: at(w.D, "09:30", 1) }))).toEqual({ ok: true });
    expect(await inTransactionOrRollback((trx) => checkInVisit(trx, { actor: asOp(), visitId: before, now: at(plus(w.D, -2), "10:00") }))).toEqual({ ok: true });
  });
});

describe("the desk: check-in inside the window only (site time)", () => {
  test("Lomé (UTC+0) and Kinshasa (UTC+1): before, inside, after the window; not approved; twice", async () => {
    const ldcVisit = await registered({ windowStart: "09:00", windowEnd: "10:00" });
    const kinVisit = await registered({ siteId: w.kin.id, rackIds: [w.racks.k1.id], windowStart: "09:00", windowEnd: "10:00" });
    const checkIn = (visitId: string, now: Date) => inTransactionOrRollback((trx) => checkInVisit(trx, { actor: asOp(), visitId, now }));
    expect(await checkIn(ldcVisit, at(w.D, "09:30"))).toEqual({ ok: false, error: "not_approved" });
    await approve(ldcVisit);
    await approve(kinVisit);
    const auditBefore = (await counts()).audit;
    expect(await checkIn(ldcVisit, at(w.D, "08:59"))).toEqual({ ok: false, error: "outside_window" });
    expect(await checkIn(ldcVisit, at(w.D, "10:01"))).toEqual({ ok: false, error: "outside_window" });
    expect(await checkIn(ldcVisit, at(plus(w.D, -1), "09:30"))).toEqual({ ok: false, error: "outside_window" });
    // 09:30 UTC is 10:30 in Kinshasa: outside there, inside at Lomé.
    expect(await checkIn(kinVisit, at(w.D, "09:30"))).toEqual({ ok: false, error: "outside_window" });
    expect((await counts()).audit).toBe(auditBefore);
    // The database refuses a check-in instant outside the window, whatever the application says.
    await expect(t.db.updateTable("visits").set({ checked_in_at: at(w.D, "10:30") }).where("id", "=", ldcVisit).execute()).rejects.toMatchObject({ hint: "visit_outside_window" });
    await expect(t.db.updateTable("visits").set({ checked_in_at: at(w.D, "09:30") }).where("id", "=", kinVisit).execute()).rejects.toMatchObject({ hint: "visit_outside_window" });
    expect(await checkIn(ldcVisit, at(w.D, "09:30"))).toEqual({ ok: true });
    expect(await checkIn(kinVisit, at(w.D, "09:30", 1))).toEqual({ ok: true });
    expect(await checkIn(ldcVisit, at(w.D, "09:40"))).toEqual({ ok: false, error: "already_checked_in" });
    expect(await inTransactionOrRollback((trx) => checkOutVisit(trx, { actor: asOp(), visitId: ldcVisit, now: at(w.D, "11:15") }))).toEqual({ ok: true });
    const v = await t.db.selectFrom("visits").select(["checked_in_at", "checked_out_at"]).where("id", "=", ldcVisit).executeTakeFirstOrThrow();
    expect(v.checked_in_at!.toISOString()).toBe(`${w.D}T09:30:00.000Z`);
    expect(v.checked_out_at!.toISOString()).toBe(`${w.D}T11:15:00.000Z`);
    const kinRow = await t.db.selectFrom("visits").select("checked_in_at").where("id", "=", kinVisit).executeTakeFirstOrThrow();
    expect(kinRow.checked_in_at!.toISOString()).toBe(`${w.D}T08:30:00.000Z`);
    const actions = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", ldcVisit).orderBy("at").execute();
    expect(actions.map((a) => a.action)).toEqual(["visit.registered", "visit.approved", "visit.checked_in", "visit.checked_out"]);
    // The database refuses a check-in instant outside the window too.
    await expect(t.db.updateTable("visits").set({ checked_in_at: at(w.D, "10:30", 1) }).where("id", "=", kinVisit).execute()).rejects.toMatchObject({ hint: "visit_frozen" });
  });

  test("the state machine: refused and cancelled visits cannot be approved; cancel only before the window starts", async () => {
    const late = await registered({ windowStart: "09:00", windowEnd: "12:00" });
    expect(await inTransactionOrRollback((trx) => approveVisit(trx, { actor: asOp(), visitId: late, now: at(w.D, "12:01") }))).toEqual({ ok: false, error: "visit_over" });
    expect(await inTransactionOrRollback((trx) => approveVisit(trx, { actor: asOp(), visitId: late, now: at(w.D, "11:59") }))).toEqual({ ok: true });
    const id = await registered();
    await inTransactionOrRollback((trx) => refuseVisit(trx, { actor: asOp(), visitId: id, reason: "Non" }));
    expect(await approve(id)).toEqual({ ok: false, error: "wrong_state" });
    await expect(t.db.updateTable("visits").set({ status: "approved", decided_at: new Date() }).where("id", "=", id).execute()).rejects.toMatchObject({ code: "P0001" });
    const other = await registered();
    expect(await inTransactionOrRollback((trx) => cancelVisit(trx, { actor: actorOf(w.a.technical), visitId: other, now: at(w.D, "09:00") }))).toEqual({ ok: false, error: "visit_started" });
    expect(await inTransactionOrRollback((trx) => cancelVisit(trx, { actor: actorOf(w.b), visitId: other }))).toEqual({ ok: false, error: "not_found" });
    expect(await inTransactionOrRollback((trx) => cancelVisit(trx, { actor: actorOf(w.a.viewer), visitId: other }))).toEqual({ ok: false, error: "not_allowed" });
    expect(await inTransactionOrRollback((trx) => cancelVisit(trx, { actor: actorOf(w.a.technical), visitId: other, now: at(w.D, "08:59") }))).toEqual({ ok: true });
    expect(await approve(other)).toEqual({ ok: false, error: "wrong_state" });
  });

  test("approval and refusal e-mail the tenant's technical contacts in their language, number masked", async () => {
    const id = await registered();
    await t.db.deleteFrom("email_outbox").execute();
    await approve(id);
    const mails = await t.db.selectFrom("email_outbox").select(["to_address", "locale", "subject", "text"]).orderBy("to_address").execute();
    expect(mails.map((m) => m.to_address).sort()).toEqual([w.a.owner.email, w.a.admin.email, w.a.technical.email].sort());
    const admin = mails.find((m) => m.to_address === w.a.admin.email)!;
    expect(admin.locale).toBe("en");
    expect(admin.subject).toContain("Visit approved");
    const owner = mails.find((m) => m.to_address === w.a.owner.email)!;
    expect(owner.subject).toContain("Visite validée");
    for (const m of mails) {
      expect(m.text).toContain("•••••5678");
      expect(m.text).not.toContain("0012345678");
    }
  });
});

describe("identity numbers: who reads them", () => {
  test("in full for the registering organisation's owner, admin, technical and for ops_noc/ops_admin; masked for billing, viewer, ops_finance; another tenant does not find the visit", async () => {
    const id = await registered();
    for (const role of ["owner", "admin", "technical"] as const) expect((await getVisitForTenant(t.db, { orgId: w.org.a.id, role, visitId: id }))!.id_doc_number).toBe("TG-0012345678");
    for (const role of ["billing", "viewer"] as const) {
      const v = (await getVisitForTenant(t.db, { orgId: w.org.a.id, role, visitId: id }))!;
      expect(v.id_doc_number).toBe("•••••5678");
      expect(v.idMasked).toBe(true);
      expect((await listVisitsForTenant(t.db, { orgId: w.org.a.id, role }))[0].id_doc_number).toBe("•••••5678");
    }
    for (const role of ["ops_noc", "ops_admin"] as const) expect((await getVisitForOperator(t.db, { visitId: id, role }))!.id_doc_number).toBe("TG-0012345678");
    expect((await getVisitForOperator(t.db, { visitId: id, role: "ops_finance" }))!.id_doc_number).toBe("•••••5678");
    expect(await getVisitForTenant(t.db, { orgId: w.org.b.id, role: "owner", visitId: id })).toBeUndefined();
    expect(await listVisitsForTenant(t.db, { orgId: w.org.b.id, role: "owner" })).toEqual([]);
    expect(maskIdNumber("AB12")).toBe("•••••");
    expect(maskIdNumber("AB1234")).toBe("•••••34");
  });
});

describe("the daily job: purge at the boundary day, badge reminders once", () => {
  test("a visit's number is kept until visit day + 89 and purged on visit day + 90 (VISIT_ID_RETENTION_DAYS default), per site", async () => {
    const ldcVisit = await registered();
    const kinVisit = await registered({ siteId: w.kin.id, rackIds: [w.racks.k1.id], visitOn: plus(w.D, 1) });
    expect(idRetentionDays({})).toBe(90);
    expect(idRetentionDays({ VISIT_ID_RETENTION_DAYS: "30" })).toBe(30);
    expect(() => idRetentionDays({ VISIT_ID_RETENTION_DAYS: "-3" })).toThrow();
    const day89 = await runSiteAccess(t.db, { today: plus(w.D, 89), retentionDays: 90 });
    expect(day89.visitsPurged).toBe(0);
    const day90 = await runSiteAccess(t.db, { today: plus(w.D, 90), retentionDays: 90 });
    // LDC's visit (day D) goes; KIN's (day D + 1) stays one more day.
    expect(day90.sites.find((s) => s.site === "LDC")!.visitsPurged).toBe(1);
    expect(day90.sites.find((s) => s.site === "KIN")!.visitsPurged).toBe(0);
    const row = (id: string) => t.db.selectFrom("visits").select(["id_doc_number", "id_purged_at"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(await row(ldcVisit)).toMatchObject({ id_doc_number: null });
    expect((await row(ldcVisit)).id_purged_at).toBeInstanceOf(Date);
    expect((await row(kinVisit)).id_doc_number).toBe("TG-0012345678");
    expect((await runSiteAccess(t.db, { today: plus(w.D, 91), retentionDays: 90 })).visitsPurged).toBe(1);
    expect((await row(kinVisit)).id_doc_number).toBeNull();
    // Purged numbers never come back, and read as purged everywhere.
    await expect(t.db.updateTable("visits").set({ id_doc_number: "X123456" }).where("id", "=", ldcVisit).execute()).rejects.toMatchObject({ hint: "visit_frozen" });
    expect((await getVisitForOperator(t.db, { visitId: ldcVisit, role: "ops_noc" }))!.id_doc_number).toBeNull();
  });

  test("badge reminders: 30 and 7 days before, each sent once with two runs each", async () => {
    const until = plus(w.today, 30);
    const added = await inTransactionOrRollback((trx) =>
      addBadgeHolder(trx, { actor: actorOf(w.a.owner), siteId: w.ldc.id, name: "Sena Agbeko", company: "Kossi", idDocType: "national_id", idDocNumber: "TG-77665544", validUntil: until }),
    );
    expect(added.ok).toBe(true);
    expect(reminderDue(until, plus(w.today, -1))).toBeNull();
    const first = await runSiteAccess(t.db, { today: w.today, siteCodes: ["LDC"] });
    const again = await runSiteAccess(t.db, { today: w.today, siteCodes: ["LDC"] });
    expect(first.reminders).toBe(1);
    expect(first.emails).toBe(3); // owner, admin, technical
    expect(again.reminders).toBe(0);
    const mid = await runSiteAccess(t.db, { today: plus(w.today, 10), siteCodes: ["LDC"] });
    expect(mid.reminders).toBe(0);
    const week = await runSiteAccess(t.db, { today: plus(w.today, 23), siteCodes: ["LDC"] });
    const weekAgain = await runSiteAccess(t.db, { today: plus(w.today, 24), siteCodes: ["LDC"] });
    expect([week.reminders, weekAgain.reminders]).toEqual([1, 0]);
    const rows = await t.db.selectFrom("badge_reminders").select(["days_before", "expires_on"]).orderBy("days_before", "desc").execute();
    expect(rows).toEqual([
      { days_before: 30, expires_on: until },
      { days_before: 7, expires_on: until },
    ]);
    const mails = await t.db.selectFrom("email_outbox").select(["template", "text"]).where("template", "=", "site_access_badge_expiring").execute();
    expect(mails).toHaveLength(6);
    for (const m of mails) expect(m.text).not.toContain("77665544");
  });

  test("badges: ten current per organisation and site, held by the database; renewal within a year", async () => {
    const add = (name: string, actor = actorOf(w.a.technical)) =>
      inTransactionOrRollback((trx) => addBadgeHolder(trx, { actor, siteId: w.ldc.id, name, company: "Kossi", idDocType: "passport", idDocNumber: "P1234567", validUntil: plus(w.today, 100) }));
    for (let i = 0; i < 10; i++) expect((await add(`Holder ${i}`)).ok).toBe(true);
    expect(await add("Eleventh")).toEqual({ ok: false, error: "badge_limit" });
    expect((await add("Other org", actorOf(w.b))).ok).toBe(true);
    await expect(
      t.db.insertInto("badge_holders").values({ org_id: w.org.a.id, site_id: w.ldc.id, name: "Raw", company: "K", id_doc_type: "other", id_doc_number: "ABC123", valid_until: plus(w.today, 5) }).execute(),
    ).rejects.toMatchObject({ hint: "badge_limit" });
    const { holders } = await badgesForTenant(t.db, { orgId: w.org.a.id, role: "viewer" });
    expect(holders).toHaveLength(10);
    expect(holders[0].id_doc_number).toBe("•••••4567");
    const one = holders[0].id;
    expect(await inTransactionOrRollback((trx) => renewBadgeHolder(trx, { actor: actorOf(w.a.owner), holderId: one, validUntil: plus(w.today, 367) }))).toEqual({ ok: false, error: "badge_validity" });
    expect(await inTransactionOrRollback((trx) => renewBadgeHolder(trx, { actor: actorOf(w.b), holderId: one, validUntil: plus(w.today, 200) }))).toEqual({ ok: false, error: "not_found" });
    expect(await inTransactionOrRollback((trx) => renewBadgeHolder(trx, { actor: actorOf(w.a.owner), holderId: one, validUntil: plus(w.today, 200) }))).toEqual({ ok: true });
    expect(await inTransactionOrRollback((trx) => revokeBadgeHolder(trx, { actor: actorOf(w.a.owner), holderId: one }))).toEqual({ ok: true });
    expect((await add("Now room")).ok).toBe(true);
  });
});

describe("the hub's summaries", () => {
  test("counts and queue", async () => {
    const a1 = await registered({ visitOn: w.today, ...windowAroundNow() });
    const a2 = await registered({ visitOn: plus(w.D, 2) });
    const a3 = await registered();
    await approve(a2);
    await inTransactionOrRollback((trx) => refuseVisit(trx, { actor: asOp(), visitId: a3, reason: "Non" }));
    await inTransactionOrRollback((trx) =>
      addBadgeHolder(trx, { actor: actorOf(w.a.owner), siteId: w.ldc.id, name: "Soon Expiring", company: "K", idDocType: "passport", idDocNumber: "P1234567", validUntil: plus(w.today, 20) }),
    );
    // open: a1 (requested, today) and a2 (approved); attention: a3 refused + one badge within 30 days.
    expect(await visitDeskCounts(t.db, w.org.a.id, w.today)).toEqual({ open: 2, attention: 2 });
    expect(await visitDeskCounts(t.db, w.org.b.id, w.today)).toEqual({ open: 0, attention: 0 });
    const queue = await visitQueue(t.db, w.ldc.id, w.today, 8);
    expect(queue.total).toBe(1);
    expect(queue.items).toEqual([expect.objectContaining({ id: a1, href: `/ops/desk/visits/${a1}`, orgName: "Kossi Digital", flagKey: "siteaccess.flag.today", statusKey: "siteaccess.status.requested" })]);
    expect((await visitQueue(t.db, w.kin.id, w.today, 8)).total).toBe(0);
    void sql;
  });
});
