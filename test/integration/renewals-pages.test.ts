import { sql, type Kysely } from "kysely";
import type { Database } from "#db/schema";
import * as notice from "~/routes/app.services.$contractId.renewal";
import * as opsPage from "~/routes/ops.contracts.renewals";
import * as contractPage from "~/routes/app.services.$contractId";
import { renewalPanel } from "~/modules/renewals/views.server";
import { addDays } from "~/modules/renewals/renewals";
import { createTestDb, type TestDb } from "../support/db";
import { signedIn } from "../support/factories";
import { addContract, addOrg, siteByCode } from "../support/billing-world";
import { body, call, formRequest, getRequest } from "../support/http";

/**
 * The tenant's notice of non-renewal (POST /app/services/:id/renewal) and the operators' renewals
 * page, called as Remix would. Dates follow the real site calendar of LDC (notice 30 days): SOON
 * ends in 60 days (notice still possible until 30 days before), LATE in 10 days (deadline passed).
 */
describe("renewal pages", () => {
  let t: TestDb;
  let db: Kysely<Database>;
  let today: string;
  let kossi: string;
  let other: string;
  let users: Record<"owner" | "admin" | "billing" | "technical" | "viewer" | "stranger" | "noc" | "finance", Awaited<ReturnType<typeof signedIn>>>;

  /** A Kossi contract whose commitment ends `days` from today (started about a year before). */
  async function contractEndingIn(days: number, orgId = kossi) {
    const site = await siteByCode(db, "LDC");
    const end = addDays(today, days);
    const id = await addContract(db, { orgId, siteId: site.id, startOn: addDays(end, -364), termMonths: 12 }, { rack_unit: [2, 25_000] });
    await db.updateTable("contracts").set({ commitment_ends_on: end }).where("id", "=", id).execute();
    return { id, end };
  }

  const written = async () => {
    const { rows } = await sql<Record<string, string>>`
      SELECT (SELECT count(*) FROM contract_changes)::text AS changes, (SELECT count(*) FROM renewal_opt_outs)::text AS opt_outs,
             (SELECT count(*) FROM email_outbox)::text AS emails, (SELECT count(*) FROM audit_log)::text AS audit,
             (SELECT count(*) FROM contracts WHERE end_on IS NOT NULL)::text AS ending`.execute(db);
    return rows[0];
  };

  const give = (id: string, cookie: string, fields: Record<string, string>) => call(notice.action, formRequest(`/app/services/${id}/renewal`, fields, { cookie }), { contractId: id });

  beforeAll(async () => {
    t = await createTestDb({ reference: true });
    db = t.db;
    today = (await sql<{ d: string }>`SELECT site_today(id)::text AS d FROM sites WHERE code = 'LDC'`.execute(db)).rows[0].d;
    kossi = await addOrg(db, "Kossi Digital");
    other = await addOrg(db, "Tiers SARL");
    users = {
      owner: await signedIn(db, { orgId: kossi, role: "owner" }),
      admin: await signedIn(db, { orgId: kossi, role: "admin" }),
      billing: await signedIn(db, { orgId: kossi, role: "billing" }),
      technical: await signedIn(db, { orgId: kossi, role: "technical" }),
      viewer: await signedIn(db, { orgId: kossi, role: "viewer" }),
      stranger: await signedIn(db, { orgId: other, role: "owner" }),
      noc: await signedIn(db, { operatorRole: "ops_noc" }),
      finance: await signedIn(db, { operatorRole: "ops_finance" }),
    };
  });
  afterAll(() => t.cleanup());

  it("only owners and admins may give notice; other roles get 403 and nothing is written", async () => {
    const c = await contractEndingIn(60);
    const before = await written();
    for (const role of ["billing", "technical", "viewer"] as const) {
      expect((await give(c.id, users[role].cookie, { commitmentEndsOn: c.end })).status).toBe(403);
    }
    expect(await written()).toEqual(before);
    const panel = await renewalPanel(db, { orgId: kossi, role: "viewer" }, c.id);
    expect(panel).toMatchObject({ status: "renews", commitmentEndsOn: c.end, deadlineOn: addDays(c.end, -30), deadlinePassed: false, canGiveNotice: false });
    expect((await renewalPanel(db, { orgId: kossi, role: "admin" }, c.id))?.canGiveNotice).toBe(true);

    const res = await give(c.id, users.admin.cookie, { commitmentEndsOn: c.end });
    expect(res.status).toBe(200);
    expect(await body(res)).toEqual({ ok: true, endOn: c.end });
    expect(await db.selectFrom("contracts").select("end_on").where("id", "=", c.id).executeTakeFirstOrThrow()).toEqual({ end_on: c.end });
    expect(await renewalPanel(db, { orgId: kossi, role: "owner" }, c.id)).toMatchObject({ status: "notice_given", endOn: c.end, canGiveNotice: false });
    // Twice: refused, localized.
    const again = await give(c.id, users.owner.cookie, { commitmentEndsOn: c.end });
    expect(again.status).toBe(409);
    expect(await body(again)).toEqual({ ok: false, formError: "renewals.error.already_given" });
  });

  it("the contract page's loader carries the renewal panel (another organisation's contract: 404)", async () => {
    const c = await contractEndingIn(60);
    const res = await call(contractPage.loader, getRequest(`/app/services/${c.id}`, { cookie: users.technical.cookie }), { contractId: c.id });
    expect(res.status).toBe(200);
    expect((await body(res)).renewal).toMatchObject({ contractId: c.id, status: "renews", commitmentEndsOn: c.end, renewsOn: addDays(c.end, 1), termMonths: 12, noticeDays: 30, canGiveNotice: false, prices: [] });
    expect((await call(contractPage.loader, getRequest(`/app/services/${c.id}`, { cookie: users.stranger.cookie }), { contractId: c.id })).status).toBe(404);
    // After a renewal the page's commitment (and its early-termination preview) is the one in force.
    const renewed = addDays(c.end, 400);
    await db.updateTable("contracts").set({ commitment_ends_on: renewed }).where("id", "=", c.id).execute();
    const again = await body(await call(contractPage.loader, getRequest(`/app/services/${c.id}`, { cookie: users.technical.cookie }), { contractId: c.id }));
    expect([again.contract.commitmentEndOn, again.renewal.commitmentEndsOn]).toEqual([renewed, renewed]);
  });

  it("after the deadline: a localized 409 and nothing written", async () => {
    const c = await contractEndingIn(10);
    expect(await renewalPanel(db, { orgId: kossi, role: "owner" }, c.id)).toMatchObject({ deadlinePassed: true, canGiveNotice: false });
    const before = await written();
    const res = await give(c.id, users.owner.cookie, { commitmentEndsOn: c.end });
    expect(res.status).toBe(409);
    expect(await body(res)).toEqual({ ok: false, formError: "renewals.error.deadline_passed" });
    expect(await written()).toEqual(before);
  });

  it("another organisation's contract is not found; bad input is a 4xx, never a 5xx", async () => {
    const theirs = await contractEndingIn(60, other);
    const before = await written();
    expect((await give(theirs.id, users.owner.cookie, { commitmentEndsOn: theirs.end })).status).toBe(404);
    expect(await renewalPanel(db, { orgId: kossi, role: "owner" }, theirs.id)).toBeUndefined();
    expect((await give("not-a-uuid", users.owner.cookie, { commitmentEndsOn: theirs.end })).status).toBe(404);
    const mine = await contractEndingIn(60);
    for (const fields of [{} as Record<string, string>, { commitmentEndsOn: "2027-02-30" }, { commitmentEndsOn: "x".repeat(5000) }, { commitmentEndsOn: "2026-01-01\u0000" }]) {
      const res = await give(mine.id, users.owner.cookie, fields);
      expect(res.status, JSON.stringify(fields).slice(0, 40)).toBe(400);
      expect(await body(res)).toEqual({ ok: false, formError: "renewals.error.form" });
    }
    // The commitment the page showed is no longer the one in force.
    const stale = await give(mine.id, users.owner.cookie, { commitmentEndsOn: addDays(mine.end, -365) });
    expect(stale.status).toBe(409);
    expect(await body(stale)).toEqual({ ok: false, formError: "renewals.error.commitment_changed" });
    expect(await written()).toEqual(before);
  });

  it("operators see the next 90 days; only pricing roles set renewal prices, validated in the site's currency", async () => {
    const c = await contractEndingIn(45);
    const far = await contractEndingIn(200);
    const list = await call(opsPage.loader, getRequest("/ops/contracts/renewals", { cookie: users.noc.cookie }));
    expect(list.status).toBe(200);
    const data = await body(list);
    expect(data.canPrice).toBe(false);
    const row = data.rows.find((r: { id: string }) => r.id === c.id);
    expect(row).toMatchObject({ orgName: "Kossi Digital", siteCode: "LDC", commitmentEndsOn: c.end, daysLeft: 45, deadlineOn: addDays(c.end, -30), status: "renews", canPrice: true });
    expect(data.rows.some((r: { id: string }) => r.id === far.id)).toBe(false);
    // Tenants never reach the operators' page.
    expect((await call(opsPage.loader, getRequest("/ops/contracts/renewals", { cookie: users.owner.cookie }))).status).toBe(404);

    const post = (fields: Record<string, string>, cookie = users.finance.cookie) => call(opsPage.action, formRequest("/ops/contracts/renewals", fields, { cookie }));
    const form = { contractId: c.id, commitmentEndsOn: c.end, kind: "rack_unit", price: "27500" };
    expect((await post(form, users.noc.cookie)).status).toBe(403);
    const decimals = await post({ ...form, price: "27500,5" });
    expect(decimals.status).toBe(400);
    expect((await body(decimals)).errors).toEqual({ price: "inventory.error.amountNoDecimals" });
    expect((await post({ ...form, price: "-3" })).status).toBe(400);
    expect((await post({ ...form, kind: "nope" })).status).toBe(400);
    expect((await post({ ...form, kind: "cage" })).status).toBe(400);
    expect((await post({ ...form, contractId: "nope" })).status).toBe(404);
    expect((await post({ ...form, contractId: "00000000-0000-4000-8000-000000000000" })).status).toBe(404);
    expect((await post({ ...form, commitmentEndsOn: addDays(c.end, 1) })).status).toBe(409);
    expect(await db.selectFrom("renewal_prices").select("kind").execute()).toEqual([]);

    const ok = await post(form);
    expect(ok.status).toBe(200);
    expect(await body(ok)).toMatchObject({ contractId: c.id, notice: "renewals.ops.saved" });
    const after = await body(await call(opsPage.loader, getRequest("/ops/contracts/renewals", { cookie: users.finance.cookie })));
    expect(after.canPrice).toBe(true);
    expect(after.rows.find((r: { id: string }) => r.id === c.id).prices).toMatchObject([{ kind: "rack_unit", quantity: 2, currentMinor: 25_000, nextMinor: 27_500 }]);
    // The tenant's panel announces it.
    expect((await renewalPanel(db, { orgId: kossi, role: "viewer" }, c.id))?.prices).toMatchObject([{ kind: "rack_unit", currentMinor: 25_000, nextMinor: 27_500 }]);
    expect(await body(await post({ ...form, price: "" }))).toMatchObject({ notice: "renewals.ops.cleared" });
  });
});
