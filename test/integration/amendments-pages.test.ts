import { sql, type Kysely } from "kysely";
import type { Database } from "#db/schema";
import * as changePage from "~/routes/app.services.$contractId_.change";
import * as opsPage from "~/routes/ops.amendments.$changeId";
import * as contractPage from "~/routes/app.services.$contractId";
import { createTestDb, type TestDb } from "../support/db";
import { createOrg, createRequestRow, signedIn, siteWithRacks } from "../support/factories";
import { body, call, formRequest, getRequest } from "../support/http";
import { approveRequest } from "~/modules/requests/approve.server";
import { inTransactionOrRollback } from "~/utils/db.server";

/**
 * The tenant's change page (/app/services/:id/change) and the operators' amendment page
 * (/ops/amendments/:id), called as Remix would: who may use them, the live quote and availability
 * the loader computes, refusals that write nothing, and a change asked for, approved and visible.
 */
describe("amendment pages", () => {
  let t: TestDb;
  let db: Kysely<Database>;
  let contractId: string;
  let rackId: string;
  let users: Record<"owner" | "technical" | "billing" | "viewer" | "stranger" | "noc" | "finance", Awaited<ReturnType<typeof signedIn>>>;

  const written = async () =>
    (
      await sql<Record<string, string>>`
        SELECT (SELECT count(*) FROM contract_changes)::text AS changes, (SELECT count(*) FROM contract_lines)::text AS lines,
               (SELECT count(*) FROM allocations)::text AS allocations, (SELECT count(*) FROM email_outbox)::text AS emails`.execute(db)
    ).rows[0];

  const fields = (over: Record<string, string> = {}) => ({
    effectiveOn: "2027-03-15",
    details: "",
    q_rack_unit: "10",
    q_half_rack: "0",
    q_full_rack: "0",
    q_power_commit_kw: "4",
    q_bandwidth_commit_mbps: "0",
    q_cross_connect: "0",
    ...over,
  });
  const post = (cookie: string, f: Record<string, string>, id = contractId) => call(changePage.action, formRequest(`/app/services/${id}/change`, f, { cookie }), { contractId: id });

  beforeAll(async () => {
    t = await createTestDb({ reference: true });
    db = t.db;
    const ldc = await siteWithRacks(db, "LDC");
    rackId = ldc.racks.find((r) => r.status === "active")!.id;
    const org = await createOrg(db, { name: "Kara Hosting" });
    const other = await createOrg(db, { name: "Tiers SARL" });
    users = {
      owner: await signedIn(db, { orgId: org.id, role: "owner" }),
      technical: await signedIn(db, { orgId: org.id, role: "technical" }),
      billing: await signedIn(db, { orgId: org.id, role: "billing" }),
      viewer: await signedIn(db, { orgId: org.id, role: "viewer" }),
      stranger: await signedIn(db, { orgId: other.id, role: "owner" }),
      noc: await signedIn(db, { operatorRole: "ops_noc" }),
      finance: await signedIn(db, { operatorRole: "ops_finance" }),
    };
    const requestId = await createRequestRow(db, { orgId: org.id, siteId: ldc.site.id, lines: [{ kind: "rack_unit", quantity: 10 }, { kind: "power_commit_kw", quantity: 2 }] });
    const approved = await inTransactionOrRollback((trx) =>
      approveRequest(trx, { requestId, startOn: "2027-01-01", placements: [{ rackId, kind: "units", firstU: 1, lastU: 10, powerW: 2000 }], portIds: [], actor: users.noc, baseUrl: "http://portal.test" }),
    );
    if (!approved.ok) throw new Error(approved.error);
    contractId = approved.contractId;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  test("the change page: a live quote of the new monthly total and the availability from the date", async () => {
    const res = await call(changePage.loader, getRequest(`/app/services/${contractId}/change?effectiveOn=2027-03-15&q_power_commit_kw=4`, { cookie: users.technical.cookie }), { contractId });
    expect(res.status).toBe(200);
    const data = await body(res);
    expect(data.effectiveOn).toBe("2027-03-15");
    expect(data.current.quantities).toMatchObject({ rack_unit: 10, power_commit_kw: 2 });
    expect(data.next).toMatchObject({ rack_unit: 10, power_commit_kw: 4 });
    expect(data.availability).toEqual({ ok: true, shortages: [] });
    // Hostile URL values fall back to the current quantities; a date before the earliest, to the earliest.
    const odd = await body(await call(changePage.loader, getRequest(`/app/services/${contractId}/change?effectiveOn=0000-01-01&q_power_commit_kw=-3&q_rack_unit=99999999`, { cookie: users.owner.cookie }), { contractId }));
    expect([odd.effectiveOn, odd.next.power_commit_kw, odd.next.rack_unit]).toEqual(["2027-01-01", 2, 10]);
  });

  test("roles: billing and viewer may not ask (403); another tenant's contract is 404; operators have their own page", async () => {
    const before = await written();
    for (const who of ["billing", "viewer"] as const) {
      expect((await call(changePage.loader, getRequest(`/app/services/${contractId}/change`, { cookie: users[who].cookie }), { contractId })).status).toBe(403);
      expect((await post(users[who].cookie, fields())).status).toBe(403);
    }
    expect((await call(changePage.loader, getRequest(`/app/services/${contractId}/change`, { cookie: users.stranger.cookie }), { contractId })).status).toBe(404);
    expect((await post(users.stranger.cookie, fields())).status).toBe(404);
    expect((await post(users.owner.cookie, fields(), "00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect(await written()).toEqual(before);
  });

  test("bad input: a localized error on its field, nothing written", async () => {
    const before = await written();
    const cases: [Record<string, string>, string, string][] = [
      [{ q_power_commit_kw: "-1" }, "q_power_commit_kw", "amendments.error.quantity"],
      [{ q_power_commit_kw: "99999999" }, "q_power_commit_kw", "amendments.error.quantity"],
      [{ q_rack_unit: "1.5" }, "q_rack_unit", "amendments.error.quantity"],
      [{ effectiveOn: "9999-12-31" }, "effectiveOn", "errors.dateRange"],
      [{ effectiveOn: "2027-02-30" }, "effectiveOn", "requests.error.date"],
      [{ details: "a\u0000b" }, "details", "error.controlChars"],
    ];
    for (const [over, field, key] of cases) {
      const res = await post(users.owner.cookie, fields(over));
      expect(res.status, JSON.stringify(over)).toBe(400);
      const errors = (await body(res)).errors;
      expect(Object.keys(errors)).toContain(field);
      if (key !== "error.controlChars") expect(errors[field]).toBe(key);
    }
    const same = await post(users.owner.cookie, fields({ q_power_commit_kw: "2" }));
    expect([same.status, (await body(same)).formError]).toEqual([400, "amendments.error.no_change"]);
    const early = await post(users.owner.cookie, fields({ effectiveOn: "2026-06-01" }));
    expect([early.status, (await body(early)).errors]).toEqual([400, { effectiveOn: "amendments.error.effective_before_start" }]);
    expect(await written()).toEqual(before);
  });

  test("asked by a technical member, approved by the NOC on its page, then visible on the tenant's contract page", async () => {
    const asked = await post(users.technical.cookie, fields({ details: "Nouveaux serveurs" }));
    expect(asked.status).toBe(302);
    expect(asked.headers.get("Location")).toBe(`/app/services/${contractId}?amendment=requested`);
    // A second request while this one waits: 409, nothing more.
    const again = await post(users.owner.cookie, fields({ q_power_commit_kw: "5" }));
    expect([again.status, (await body(again)).formError]).toEqual([409, "amendments.error.already_pending"]);
    const change = await db.selectFrom("contract_changes").select("id").where("kind", "=", "amendment").where("status", "=", "pending").executeTakeFirstOrThrow();

    // The operators' page prefills the new state: the same units with 4 kW.
    const page = await body(await call(opsPage.loader, getRequest(`/ops/amendments/${change.id}`, { cookie: users.noc.cookie }), { changeId: change.id }));
    expect(page.suggestion.placements).toEqual([{ rackId, kind: "units", firstU: 1, lastU: 10, powerW: 4000 }]);
    expect(page.canDecide).toBe(true);
    // Finance may read it but not decide; a power that does not match is refused with nothing written.
    expect((await call(opsPage.action, formRequest(`/ops/amendments/${change.id}`, {}, { cookie: users.finance.cookie }), { changeId: change.id })).status).toBe(403);
    const placement = (w: string) => ({ "placements.0.rackId": rackId, "placements.0.kind": "units", "placements.0.firstU": "1", "placements.0.lastU": "10", "placements.0.powerW": w, note: "" });
    const before = await written();
    const wrong = await call(opsPage.action, formRequest(`/ops/amendments/${change.id}`, placement("3000"), { cookie: users.noc.cookie }), { changeId: change.id });
    expect([wrong.status, (await body(wrong)).formError]).toEqual([409, "amendments.error.power_mismatch"]);
    expect(await written()).toEqual(before);

    const ok = await call(opsPage.action, formRequest(`/ops/amendments/${change.id}`, placement("4000"), { cookie: users.noc.cookie }), { changeId: change.id });
    expect(ok.status).toBe(302);
    const twice = await call(opsPage.action, formRequest(`/ops/amendments/${change.id}`, placement("4000"), { cookie: users.noc.cookie }), { changeId: change.id });
    expect([twice.status, (await body(twice)).formError]).toEqual([409, "amendments.error.not_pending"]);

    const contract = await body(await call(contractPage.loader, getRequest(`/app/services/${contractId}`, { cookie: users.owner.cookie }), { contractId }));
    const power = contract.versions.filter((v: { kind: string }) => v.kind === "power_commit_kw").map((v: { quantity: number; valid_from: string; valid_to: string | null }) => [v.quantity, v.valid_from, v.valid_to]);
    expect(power).toEqual([
      [2, "2027-01-01", "2027-03-14"],
      [4, "2027-03-15", null],
    ]);
    expect(contract.pendingAmendment).toBeNull();
    const emails = await db.selectFrom("email_outbox").select(["template", "to_address"]).where("template", "like", "amendment_%").execute();
    expect(emails.filter((e) => e.template === "amendment_applied").map((e) => e.to_address)).toContain(users.owner.email);
    expect(emails.filter((e) => e.template === "amendment_requested").length).toBeGreaterThan(0);
  });
});
