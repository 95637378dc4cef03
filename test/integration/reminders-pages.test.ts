import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import * as page from "~/routes/ops.billing.reminders";
import * as orgPage from "~/routes/ops.organisations.$orgId";
import { createTestDb, type TestDb } from "../support/db";
import { createOrg, signedIn } from "../support/factories";
import { body, call, formRequest, getRequest } from "../support/http";

/** /ops/billing/reminders and the organisation page's pause block, called as Remix would. */
describe("reminders pages", () => {
  let t: TestDb;
  let db: Kysely<Database>;
  let finance: Awaited<ReturnType<typeof signedIn>>;
  let noc: Awaited<ReturnType<typeof signedIn>>;
  let orgId: string;

  beforeAll(async () => {
    t = await createTestDb({ reference: true });
    db = t.db;
    finance = await signedIn(db, { operatorRole: "ops_finance", email: "finance@dc.test" });
    noc = await signedIn(db, { operatorRole: "ops_noc", email: "noc@dc.test" });
    orgId = (await createOrg(db, { name: "Agence PO" })).id;
  });
  afterAll(() => t.cleanup());

  const post = (fields: Record<string, string>, cookie = finance.cookie) => call(page.action, formRequest("/ops/billing/reminders", fields, { cookie }));
  const postOrg = (fields: Record<string, string>, cookie = finance.cookie, id = orgId) =>
    call(orgPage.action, formRequest(`/ops/organisations/${id}`, fields, { cookie }), { orgId: id });

  it("shows the schedules of every site to finance, not to the NOC", async () => {
    const res = await call(page.loader, getRequest("/ops/billing/reminders", { cookie: finance.cookie }));
    expect(res.status).toBe(200);
    const data = await body(res);
    expect(data.schedules.map((s: { siteCode: string; sme: number[]; agency: number[] }) => `${s.siteCode} ${s.sme.join(",")} / ${s.agency.join(",")}`)).toEqual([
      "BZV -3,7,15,30 / 30,60",
      "KIN -3,7,15,30 / 30,60",
      "LDC -3,7,15,30 / 30,60",
    ]);
    expect((await call(page.loader, getRequest("/ops/billing/reminders", { cookie: noc.cookie }))).status).toBe(403);
    expect((await post({ intent: "run" }, noc.cookie)).status).toBe(403);
  });

  it("edits a schedule with validation; bad input is a localized 400 that writes nothing", async () => {
    const bad = await post({ intent: "schedule", site: "KIN", kind: "agency", offsets: "30, 30" });
    expect(bad.status).toBe(400);
    expect((await body(bad)).errors).toEqual({ offsets: "reminders.error.offsetsDuplicate" });
    expect((await post({ intent: "schedule", site: "KIN", kind: "agency", offsets: "1,2,3,4,5,6,7" })).status).toBe(400);
    expect((await post({ intent: "schedule", site: "KIN", kind: "nope", offsets: "30" })).status).toBe(400);
    expect((await post({ intent: "schedule", site: "ZZZ", kind: "sme", offsets: "30" })).status).toBe(404);
    const ok = await post({ intent: "schedule", site: "KIN", kind: "agency", offsets: "45, 15, 90" });
    expect(ok.status).toBe(200);
    expect(await body(ok)).toMatchObject({ notice: "reminders.saved", noticeVars: { site: "KIN", kind: "agency" } });
    const row = await db.selectFrom("reminder_schedules as r").innerJoin("sites as s", "s.id", "r.site_id").select("r.offsets_days").where("s.code", "=", "KIN").where("r.org_kind", "=", "agency").executeTakeFirstOrThrow();
    expect(row.offsets_days).toEqual([15, 45, 90]);
    expect(await body(await post({ intent: "schedule", site: "KIN", kind: "agency", offsets: "15 45 90" }))).toMatchObject({ notice: "reminders.unchanged" });
  });

  it("'run now' queues today's run once and lists it", async () => {
    expect(await body(await post({ intent: "run" }))).toMatchObject({ notice: "reminders.runs.started" });
    await post({ intent: "run" });
    const jobs = await db.selectFrom("jobs").select(["key", "status"]).where("kind", "=", "payments.reminders").execute();
    expect(jobs).toHaveLength(1);
    expect(jobs[0].status).toBe("queued");
    const data = await body(await call(page.loader, getRequest("/ops/billing/reminders", { cookie: finance.cookie })));
    expect(data.runs.map((r: { key: string }) => r.key)).toEqual([jobs[0].key]);
  });

  it("pauses and resumes an organisation's reminders from its page, with a reason; the NOC sees but cannot", async () => {
    expect((await postOrg({ intent: "reminders_pause", reason: "" })).status).toBe(400);
    expect((await postOrg({ intent: "reminders_pause", reason: "PO 2026-118" }, noc.cookie)).status).toBe(403);
    expect((await postOrg({ intent: "reminders_resume" })).status).toBe(409);
    const paused = await postOrg({ intent: "reminders_pause", reason: "PO 2026-118 en signature" });
    expect(await body(paused)).toMatchObject({ intent: "reminders_pause", notice: "reminders.org.pausedNotice" });
    expect((await postOrg({ intent: "reminders_pause", reason: "Encore" })).status).toBe(409);
    const view = await body(await call(orgPage.loader, getRequest(`/ops/organisations/${orgId}`, { cookie: noc.cookie }), { orgId }));
    expect(view.reminders).toMatchObject({ paused: { reason: "PO 2026-118 en signature", pausedBy: "finance@dc.test" }, canManage: false });
    expect((await postOrg({ intent: "reminders_pause", reason: "Bon de commande" }, finance.cookie, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect(await body(await postOrg({ intent: "reminders_resume" }))).toMatchObject({ notice: "reminders.org.resumedNotice" });
    const after = await body(await call(orgPage.loader, getRequest(`/ops/organisations/${orgId}`, { cookie: finance.cookie }), { orgId }));
    expect(after.reminders).toMatchObject({ paused: null, canManage: true, history: [{ reason: "PO 2026-118 en signature" }] });
  });
});
