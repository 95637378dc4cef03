import { createTestDb, type TestDb } from "../support/db";
import { BASE, body, call, formRequest, getRequest } from "../support/http";
import { t as translate } from "~/i18n";
import * as visitsIndex from "~/routes/app.desk.visits._index";
import * as visitNew from "~/routes/app.desk.visits.new";
import * as visitPage from "~/routes/app.desk.visits.$visitId";
import * as badgesPage from "~/routes/app.desk.badges";
import * as opsVisits from "~/routes/ops.desk.$siteCode.visits";
import * as opsVisit from "~/routes/ops.desk.visits.$visitId";
import * as opsBadges from "~/routes/ops.desk.$siteCode.badges";
import * as securityListPage from "~/routes/ops.desk.$siteCode.security-list";
import * as securityListPdf from "~/routes/ops.desk.$siteCode.security-list[.pdf]";
import { pdfText } from "../support/pdf";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { createMemoryRouter, RouterProvider } from "react-router-dom";
import { provideDictionary } from "~/i18n/dictionary";
import { fr } from "~/i18n/fr";
import { VisitTable } from "~/modules/siteaccess/components";
import { listVisitsForTenant } from "~/modules/siteaccess/visits.server";
import { inTransactionOrRollback } from "~/utils/db.server";
import { applyTermination, requestTermination } from "~/modules/requests/contracts.server";
import { actorOf, opActor, plus, siteAccessWorld, TENANT_ROLES, type SiteAccessWorld } from "./siteaccess-world";

let t: TestDb;
let w: SiteAccessWorld;
// The migrated base is built once per worker: on a loaded machine that takes more than the default minute.
beforeEach(async () => {
  t = await createTestDb({ reference: true });
  w = await siteAccessWorld(t.db);
}, 180_000);
afterEach(async () => t.cleanup());

const fields = (overrides: Record<string, string> = {}) => ({
  siteId: w.ldc.id,
  visitOn: w.D,
  windowStart: "09:00",
  windowEnd: "12:00",
  visitorName: "Afi Mensah",
  company: "Kossi Digital",
  idDocType: "passport",
  idDocNumber: "PA1234567",
  ...overrides,
});

/** A registration form with its racks (a repeated field). */
function registration(cookie: string, overrides: Record<string, string> = {}, racks: string[] = [w.racks.r1.id]) {
  const params = new URLSearchParams(fields(overrides));
  for (const r of racks) params.append("rackIds", r);
  return new Request(`${BASE}/app/desk/visits/new`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, Cookie: cookie },
    body: params.toString(),
  });
}

const visitCount = async () => Number((await t.db.selectFrom("visits").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);

async function registerOk(cookie = w.a.technical.cookie, overrides: Record<string, string> = {}, racks?: string[]) {
  const res = await call(visitNew.action, registration(cookie, overrides, racks));
  expect(res.status).toBe(302);
  return res.headers.get("Location")!.split("/").pop()!;
}

describe("tenant pages", () => {
  test("registration → the visit's page; another tenant's visit is 404 on its page and its action", async () => {
    const id = await registerOk();
    const page = await body(await call(visitPage.loader, getRequest(`/app/desk/visits/${id}`, { cookie: w.a.viewer.cookie }), { visitId: id }));
    expect(page.visit).toMatchObject({ visitor_name: "Afi Mensah", status: "requested", id_doc_number: "•••••4567" });
    expect(page.canCancel).toBe(false);
    expect((await call(visitPage.loader, getRequest(`/app/desk/visits/${id}`, { cookie: w.b.cookie }), { visitId: id })).status).toBe(404);
    expect((await call(visitPage.action, formRequest(`/app/desk/visits/${id}`, { intent: "cancel" }, { cookie: w.b.cookie }), { visitId: id })).status).toBe(404);
    expect((await call(visitPage.loader, getRequest(`/app/desk/visits/not-a-uuid`, { cookie: w.a.owner.cookie }), { visitId: "not-a-uuid" })).status).toBe(404);
    const list = await body(await call(visitsIndex.loader, getRequest("/app/desk/visits", { cookie: w.b.cookie })));
    expect(list.visits).toEqual([]);
    const own = await body(await call(visitsIndex.loader, getRequest("/app/desk/visits?show=upcoming", { cookie: w.a.owner.cookie })));
    expect(own.visits.map((v: { id: string }) => v.id)).toEqual([id]);
    expect(own.visits[0].id_doc_number).toBe("PA1234567");
    const past = await body(await call(visitsIndex.loader, getRequest("/app/desk/visits?show=past", { cookie: w.a.owner.cookie })));
    expect(past.visits).toEqual([]);
  });

  test("a request whose window ended undecided reads 'Non traitée à temps', not 'À valider'", async () => {
    await registerOk();
    provideDictionary("fr", fr);
    const render = (visits: Awaited<ReturnType<typeof listVisitsForTenant>>) => {
      const Page = () => createElement(VisitTable, { visits, base: "/app/desk/visits" });
      const router = createMemoryRouter([{ id: "root", path: "/", loader: () => null, children: [{ id: "page", index: true, Component: Page }] }], {
        initialEntries: ["/"],
        hydrationData: { loaderData: { root: { locale: "fr" } } },
      });
      return renderToStaticMarkup(createElement(RouterProvider, { router }));
    };
    const before = await listVisitsForTenant(t.db, { orgId: w.org.a.id, role: "viewer", filter: "all" });
    expect(before.map((v) => [v.status, v.over])).toEqual([["requested", false]]);
    expect(render(before)).toContain("À valider");
    // The day after the visit (D, 09:00–12:00 at Lomé, UTC).
    const after = await listVisitsForTenant(t.db, { orgId: w.org.a.id, role: "viewer", filter: "all", now: new Date(`${plus(w.D, 1)}T00:00:00Z`) });
    expect(after.map((v) => [v.status, v.over])).toEqual([["requested", true]]);
    const html = render(after);
    expect(html).toContain("Non traitée à temps");
    expect(html).not.toContain("À valider");
  });

  test("every tenant role: all read, only owner, admin and technical register and cancel", async () => {
    for (const role of TENANT_ROLES) {
      const m = w.a[role];
      expect((await call(visitsIndex.loader, getRequest("/app/desk/visits", { cookie: m.cookie }))).status).toBe(200);
      expect((await call(badgesPage.loader, getRequest("/app/desk/badges", { cookie: m.cookie }))).status).toBe(200);
      const allowed = ["owner", "admin", "technical"].includes(role);
      expect((await call(visitNew.loader, getRequest("/app/desk/visits/new", { cookie: m.cookie }))).status).toBe(allowed ? 200 : 403);
      const res = await call(visitNew.action, registration(m.cookie));
      expect(res.status).toBe(allowed ? 302 : 403);
    }
    expect(await visitCount()).toBe(3);
    // An operator on a tenant page is sent to its own area.
    expect((await call(visitsIndex.loader, getRequest("/app/desk/visits", { cookie: w.ops.ops_noc.cookie }))).status).toBe(302);
  });

  test("hostile input gets a localized 4xx and writes nothing", async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ visitorName: "Afi\u0000Mensah" }, "visitorName", "errors.invalidCharacters"],
      [{ company: "Kossi\nDigital" }, "company", "errors.invalidCharacters"],
      [{ visitOn: "0000-01-01" }, "visitOn", "errors.dateRange"],
      [{ visitOn: "9999-12-31" }, "visitOn", "errors.dateRange"],
      [{ visitOn: "2026-02-30" }, "visitOn", "errors.date"],
      [{ visitOn: plus(w.today, -1) }, "visitOn", "siteaccess.error.visit_in_past"],
      [{ visitOn: plus(w.today, 120) }, "visitOn", "siteaccess.error.visit_too_far"],
      [{ windowStart: "08:00", windowEnd: "20:30" }, "windowEnd", "siteaccess.error.window_too_long"],
      [{ windowStart: "12:00", windowEnd: "09:00" }, "windowEnd", "siteaccess.error.window_order"],
      [{ windowStart: "25:00" }, "windowStart", "siteaccess.error.time"],
      [{ idDocNumber: "<script>" }, "idDocNumber", "siteaccess.error.idNumber"],
      [{ idDocNumber: "A".repeat(41) }, "idDocNumber", "error.tooLong"],
      [{ visitorName: "x".repeat(121) }, "visitorName", "error.tooLong"],
      [{ idDocType: "badge" }, "idDocType", "error.invalidChoice"],
      [{ siteId: "LDC" }, "siteId", "siteaccess.error.wrong_site"],
    ];
    for (const [overrides, field, key] of cases) {
      const res = await call(visitNew.action, registration(w.a.owner.cookie, overrides));
      expect(res.status, JSON.stringify(overrides)).toBe(400);
      const data = await body(res);
      expect(data.errors[field], JSON.stringify(overrides)).toBe(key);
      // Every message exists in both languages.
      expect(translate("fr", key as never)).not.toBe(key);
      expect(translate("en", key as never)).not.toBe(key);
    }
    // Racks: none, another tenant's, a rack not held that day, a made-up id.
    for (const racks of [[], [w.racks.r3.id], [w.racks.r2.id], ["00000000-0000-4000-8000-000000000000"], ["'; DROP TABLE visits; --"]]) {
      const res = await call(visitNew.action, registration(w.a.owner.cookie, {}, racks));
      expect(res.status, JSON.stringify(racks)).toBe(400);
      expect((await body(res)).errors.rackIds).toMatch(/^siteaccess\.error\.|error\.invalidChoice/);
    }
    // Wrong content types.
    const json = new Request(`${BASE}/app/desk/visits/new`, { method: "POST", headers: { "Content-Type": "application/json", Origin: BASE, Cookie: w.a.owner.cookie }, body: JSON.stringify(fields()) });
    expect((await call(visitNew.action, json)).status).toBe(415);
    const noBoundary = new Request(`${BASE}/app/desk/visits/new`, { method: "POST", headers: { "Content-Type": "multipart/form-data", Origin: BASE, Cookie: w.a.owner.cookie }, body: "x" });
    expect((await call(visitNew.action, noBoundary)).status).toBe(400);
    expect(await visitCount()).toBe(0);
    expect(Number((await t.db.selectFrom("audit_log").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n)).toBe(0);
  });

  test("badges page: add, the eleventh refused with a localized 409, renew past a year refused with 400", async () => {
    const add = (name: string, validUntil = plus(w.today, 60)) =>
      call(badgesPage.action, formRequest("/app/desk/badges", { intent: "add", siteId: w.ldc.id, name, company: "Kossi", idDocType: "national_id", idDocNumber: "TG-11223344", validUntil }, { cookie: w.a.admin.cookie }));
    for (let i = 0; i < 10; i++) expect((await add(`Holder ${i}`)).status).toBe(200);
    const eleventh = await add("Eleventh");
    expect(eleventh.status).toBe(409);
    expect((await body(eleventh)).formError).toBe("siteaccess.error.badge_limit");
    expect((await add("Year 9999", "9999-01-01")).status).toBe(400);
    const data = await body(await call(badgesPage.loader, getRequest("/app/desk/badges", { cookie: w.a.billing.cookie })));
    expect(data.holders).toHaveLength(10);
    expect(data.holders[0].id_doc_number).toBe("•••••3344");
    expect(data.canManage).toBe(false);
    const renew = await call(badgesPage.action, formRequest("/app/desk/badges", { intent: "renew", holderId: data.holders[0].id, validUntil: plus(w.today, 400) }, { cookie: w.a.owner.cookie }));
    expect(renew.status).toBe(400);
    expect((await body(renew)).errors.validUntil).toBe("siteaccess.error.badge_validity");
    expect((await call(badgesPage.action, formRequest("/app/desk/badges", { intent: "add", siteId: w.ldc.id, name: "X Y", company: "K", idDocType: "passport", idDocNumber: "P123456", validUntil: plus(w.today, 5) }, { cookie: w.a.viewer.cookie }))).status).toBe(403);
  });
});

describe("operator pages", () => {
  test("approval queue, approve, the desk list, check-in refused outside the window, the PDF; every operator role", async () => {
    const id = await registerOk();
    const queue = await body(await call(opsVisits.loader, getRequest("/ops/desk/LDC/visits", { cookie: w.ops.ops_finance.cookie }), { siteCode: "LDC" }));
    expect(queue.visits.map((v: { id: string }) => v.id)).toEqual([id]);
    expect(queue.visits[0].id_doc_number).toBe("•••••4567");
    expect((await call(opsVisits.loader, getRequest("/ops/desk/XXX/visits", { cookie: w.ops.ops_noc.cookie }), { siteCode: "XXX" })).status).toBe(404);
    // Tenants do not see the operators' pages.
    expect((await call(opsVisit.loader, getRequest(`/ops/desk/visits/${id}`, { cookie: w.a.owner.cookie }), { visitId: id })).status).toBe(404);
    // ops_finance reads but may not decide.
    expect((await call(opsVisit.action, formRequest(`/ops/desk/visits/${id}`, { intent: "approve" }, { cookie: w.ops.ops_finance.cookie }), { visitId: id })).status).toBe(403);
    const refuseEmpty = await call(opsVisit.action, formRequest(`/ops/desk/visits/${id}`, { intent: "refuse", reason: "  " }, { cookie: w.ops.ops_noc.cookie }), { visitId: id });
    expect(refuseEmpty.status).toBe(400);
    expect((await call(opsVisit.action, formRequest(`/ops/desk/visits/${id}`, { intent: "approve" }, { cookie: w.ops.ops_noc.cookie }), { visitId: id })).status).toBe(200);
    const again = await call(opsVisit.action, formRequest(`/ops/desk/visits/${id}`, { intent: "approve" }, { cookie: w.ops.ops_admin.cookie }), { visitId: id });
    expect(again.status).toBe(409);
    expect((await body(again)).formError).toBe("siteaccess.error.wrong_state");
    const audit = await t.db.selectFrom("audit_log").select(["action", "actor_email"]).where("entity_id", "=", id).orderBy("at").execute();
    expect(audit).toEqual([
      { action: "visit.registered", actor_email: w.a.technical.email },
      { action: "visit.approved", actor_email: w.ops.ops_noc.email },
    ]);

    const list = await body(await call(securityListPage.loader, getRequest(`/ops/desk/LDC/security-list?day=${w.D}`, { cookie: w.ops.ops_noc.cookie }), { siteCode: "LDC" }));
    expect(list.visits.map((v: { id: string; id_doc_number: string }) => [v.id, v.id_doc_number])).toEqual([[id, "PA1234567"]]);
    // The visit is ten days ahead: checking in now is outside its window.
    const early = await call(securityListPage.action, formRequest("/ops/desk/LDC/security-list", { intent: "checkIn", visitId: id }, { cookie: w.ops.ops_noc.cookie }), { siteCode: "LDC" });
    expect(early.status).toBe(409);
    expect((await body(early)).formError).toBe("siteaccess.error.outside_window");
    // Another site's list does not reach this visit.
    expect((await call(securityListPage.action, formRequest("/ops/desk/KIN/security-list", { intent: "checkIn", visitId: id }, { cookie: w.ops.ops_noc.cookie }), { siteCode: "KIN" })).status).toBe(404);
    for (const day of ["0000-01-01", "9999-99-99", "x"]) {
      expect((await call(securityListPage.loader, getRequest(`/ops/desk/LDC/security-list?day=${day}`, { cookie: w.ops.ops_noc.cookie }), { siteCode: "LDC" })).status).toBe(400);
      expect((await call(securityListPdf.loader, getRequest(`/ops/desk/LDC/security-list.pdf?day=${day}`, { cookie: w.ops.ops_noc.cookie }), { siteCode: "LDC" })).status).toBe(400);
    }
    const pdf = await call(securityListPdf.loader, getRequest(`/ops/desk/LDC/security-list.pdf?day=${w.D}`, { cookie: w.ops.ops_noc.cookie }), { siteCode: "LDC" });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("Content-Type")).toBe("application/pdf");
    const { text, numPages } = await pdfText(new Uint8Array(await pdf.arrayBuffer()));
    expect(numPages).toBe(1);
    expect(text).toContain("Afi Mensah");
    expect(text).toContain("PA1234567");
    expect(text).toContain("LISTE DU POSTE DE SÉCURITÉ");
    expect(text).toMatch(/absente de cette liste/);
    for (const role of ["ops_admin", "ops_noc", "ops_finance"] as const) {
      expect((await call(opsBadges.loader, getRequest("/ops/desk/LDC/badges", { cookie: w.ops[role].cookie }), { siteCode: "LDC" })).status).toBe(200);
      expect((await call(securityListPage.loader, getRequest(`/ops/desk/LDC/security-list?day=${w.D}`, { cookie: w.ops[role].cookie }), { siteCode: "LDC" })).status).toBe(200);
    }
  });
});

describe("a visit whose racks were released after it was registered", () => {
  test("the guard's list and its PDF mark it refused, approval answers 409, both languages name the reason", async () => {
    const approvedId = await registerOk(w.a.technical.cookie, { visitorName: "Afi Mensah" });
    const requestedId = await registerOk(w.a.technical.cookie, { visitorName: "Kodjo Amavi" });
    expect((await call(opsVisit.action, formRequest(`/ops/desk/visits/${approvedId}`, { intent: "approve" }, { cookie: w.ops.ops_noc.cookie }), { visitId: approvedId })).status).toBe(200);
    const change = await inTransactionOrRollback((trx) => requestTermination(trx, { orgId: w.org.a.id, contractId: w.contract.a, endOn: plus(w.D, -1), actor: actorOf(w.a.owner) }));
    if (!change.ok) throw new Error(change.error);
    await inTransactionOrRollback((trx) => applyTermination(trx, { changeId: change.changeId, endOn: plus(w.D, -1), actor: opActor(w.ops.ops_admin) }));

    const list = await body(await call(securityListPage.loader, getRequest(`/ops/desk/LDC/security-list?day=${w.D}`, { cookie: w.ops.ops_noc.cookie }), { siteCode: "LDC" }));
    expect(list.visits.map((v: { id: string; racks_held: boolean }) => [v.id, v.racks_held])).toEqual([[approvedId, false]]);
    const pdf = await call(securityListPdf.loader, getRequest(`/ops/desk/LDC/security-list.pdf?day=${w.D}`, { cookie: w.ops.ops_noc.cookie }), { siteCode: "LDC" });
    const { text } = await pdfText(new Uint8Array(await pdf.arrayBuffer()));
    expect(text).toContain("Afi Mensah");
    expect(text).toContain("REFUSÉ : baie plus détenue");

    const approval = await call(opsVisit.action, formRequest(`/ops/desk/visits/${requestedId}`, { intent: "approve" }, { cookie: w.ops.ops_noc.cookie }), { visitId: requestedId });
    expect(approval.status).toBe(409);
    expect((await body(approval)).formError).toBe("siteaccess.error.racks_released");
    expect((await t.db.selectFrom("visits").select("status").where("id", "=", requestedId).executeTakeFirstOrThrow()).status).toBe("requested");
    const page = await body(await call(opsVisit.loader, getRequest(`/ops/desk/visits/${requestedId}`, { cookie: w.ops.ops_noc.cookie }), { visitId: requestedId }));
    expect(page.visit.actions).toMatchObject({ approve: false, refuse: true });
    for (const lang of ["fr", "en"] as const) {
      expect(translate(lang, "siteaccess.error.racks_released")).toMatch(lang === "fr" ? /ne détient plus/ : /no longer holds/);
      expect(translate(lang, "siteaccess.racksReleased")).toMatch(lang === "fr" ? /accès sera refusé/ : /entry will be refused/);
    }
  });
});
