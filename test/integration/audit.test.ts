import { parse } from "csv-parse/sync";
import { createTestDb, type TestDb } from "../support/db";
import { call, getRequest } from "../support/http";
import { createOrg, signedIn, siteWithRacks } from "../support/factories";
import { loader as auditLoader } from "~/routes/ops.audit";
import { loader as csvLoader } from "~/routes/ops.audit[.csv]";
import { recordAudit } from "~/modules/audit/audit.server";
import { changeOrganisationStatus } from "~/modules/orgs/organisations.server";
import { t as translate } from "~/i18n";

let t: TestDb;
const db = () => t.db;
let admin: Awaited<ReturnType<typeof signedIn>>;

beforeEach(async () => {
  t = await createTestDb({ reference: true });
  admin = await signedIn(t.db, { operatorRole: "ops_admin" });
});
afterEach(async () => {
  await t.cleanup();
});

/** An audit entry written at a fixed instant (the log's own clock is not under test). */
async function entry(values: {
  at: string;
  action: string;
  actor?: string | null;
  entityType?: string;
  entityId?: string;
  orgId?: string | null;
  before?: unknown;
  after?: unknown;
}) {
  await db()
    .insertInto("audit_log")
    .values({
      at: values.at,
      action: values.action,
      actor_email: values.actor === undefined ? "noc@dc.example" : values.actor,
      actor_user_id: null,
      entity_type: values.entityType ?? "request",
      entity_id: values.entityId ?? "00000000-0000-4000-8000-000000000001",
      org_id: values.orgId ?? null,
      before: values.before === undefined ? null : JSON.stringify(values.before),
      after: values.after === undefined ? null : JSON.stringify(values.after),
      ip: null,
    })
    .execute();
}

const page = async (query: string, cookie = admin.cookie) => {
  const res = await call(auditLoader, getRequest(`/ops/audit${query}`, { cookie }));
  return { status: res.status, data: res.status < 300 || res.status === 400 ? await res.json() : undefined };
};
const csv = (query: string, cookie = admin.cookie) => call(csvLoader, getRequest(`/ops/audit.csv${query}`, { cookie }));
/** The CSV's rows as objects keyed by its header (the byte-order mark removed). */
async function csvRows(res: Response) {
  const text = (await res.text()).replace(/^\ufeff/, "");
  return parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

describe("who may read the audit log", () => {
  test("only an operator with audit:read: other operators 403, tenants 404, visitors to the sign-in page", async () => {
    const noc = await signedIn(db(), { operatorRole: "ops_noc" });
    const org = await createOrg(db());
    const tenant = await signedIn(db(), { orgId: org.id, role: "owner" });
    for (const fn of [auditLoader, csvLoader]) {
      expect((await call(fn, getRequest("/ops/audit", { cookie: noc.cookie }))).status).toBe(403);
      expect((await call(fn, getRequest("/ops/audit", { cookie: tenant.cookie }))).status).toBe(404);
      const anonymous = await call(fn, getRequest("/ops/audit"));
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.get("Location")).toMatch(/^\/signin/);
    }
    expect((await page("")).status).toBe(200);
    expect((await csv("")).status).toBe(200);
  });
});

describe("a readable log", () => {
  test("entries carry their organisation's name and a link to their object", async () => {
    const org = await createOrg(db(), { name: "Kossi Digital SARL" });
    const { site, racks } = await siteWithRacks(db(), "LDC");
    const result = await db().transaction().execute((trx) =>
      changeOrganisationStatus(trx, { orgId: org.id, transition: "suspend", actor: { id: admin.id, email: admin.email }, reason: "impayés" }),
    );
    expect(result.ok).toBe(true);
    await entry({ at: "2026-11-02T09:00:00Z", action: "inventory.rack_updated", entityType: "rack", entityId: racks[0].id, before: { power_capacity_w: 5000 }, after: { power_capacity_w: 6000 } });
    await entry({ at: "2026-11-02T10:00:00Z", action: "inventory.uplink_updated", entityType: "site", entityId: site.id });
    await entry({ at: "2026-11-02T11:00:00Z", action: "request.approved", entityType: "request", entityId: "5b0e8c5e-0000-4000-8000-000000000002", orgId: org.id });

    const { status, data } = await page("");
    expect(status).toBe(200);
    const byAction = Object.fromEntries(data.rows.map((r: { action: string }) => [r.action, r]));
    expect(byAction["org.suspend"].entity).toEqual({ name: "Kossi Digital SARL", href: `/ops/organisations/${org.id}` });
    expect(byAction["org.suspend"].actor_email).toBe(admin.email);
    expect(byAction["inventory.rack_updated"].entity).toEqual({ name: `LDC · ${racks[0].name}`, href: `/ops/sites/LDC/racks/${racks[0].id}` });
    expect(byAction["inventory.uplink_updated"].entity).toEqual({ name: "LDC", href: "/ops/sites/LDC" });
    expect(byAction["request.approved"].entity.href).toBe("/ops/requests/5b0e8c5e-0000-4000-8000-000000000002");
    expect(byAction["request.approved"].org_name).toBe("Kossi Digital SARL");
    // Every action offered in the filter has a label in both languages.
    for (const action of data.options.actions as string[]) {
      expect(translate("fr", `audit.action.${action}` as never)).not.toBe(`audit.action.${action}`);
      expect(translate("en", `audit.action.${action}` as never)).not.toBe(`audit.action.${action}`);
    }
  });
});

describe("filters", () => {
  async function fixture() {
    const kossi = await createOrg(db(), { name: "Kossi Digital SARL" });
    const ansi = await createOrg(db(), { name: "ANSI" });
    await entry({ at: "2026-10-31T23:59:59Z", action: "request.submitted", actor: "owner@kossi.example", orgId: kossi.id });
    await entry({ at: "2026-11-01T00:00:00Z", action: "request.approved", actor: "NOC@dc.example", orgId: kossi.id });
    await entry({ at: "2026-11-15T12:00:00Z", action: "request.rejected", actor: "noc@dc.example", orgId: ansi.id });
    await entry({ at: "2026-11-30T23:59:59Z", action: "request.approved", actor: "admin@dc.example", orgId: ansi.id });
    await entry({ at: "2026-12-01T00:00:00Z", action: "org.verify", actor: "admin@dc.example", entityType: "organisation", entityId: ansi.id, orgId: ansi.id });
    await entry({ at: "2026-12-02T08:00:00Z", action: "operator.created", actor: null, entityType: "user" });
    await entry({ at: "2026-12-03T08:00:00Z", action: "meter.created", actor: "a_b%c@dc.example", entityType: "meter" });
    return { kossi, ansi };
  }
  const actions = (data: { rows: { action: string; at: string }[] }) => data.rows.map((r) => `${r.at.slice(0, 10)} ${r.action}`);

  test("by actor (part of the address, any case; % and _ are plain characters), action, organisation and UTC days, inclusive", async () => {
    const { kossi, ansi } = await fixture();
    expect((await page("?actor=noc@DC")).data.total).toBe(2);
    expect((await page("?actor=b%25c")).data.total).toBe(1);
    expect((await page("?actor=a_b")).data.total).toBe(1);
    expect((await page("?actor=%25")).data.total).toBe(1);
    expect(actions((await page("?action=request.approved")).data)).toEqual(["2026-11-30 request.approved", "2026-11-01 request.approved"]);
    expect((await page(`?org=${kossi.id}`)).data.total).toBe(2);
    expect((await page(`?org=${ansi.id.toUpperCase()}`)).data.total).toBe(3);
    expect(actions((await page("?from=2026-11-01&to=2026-11-30")).data)).toEqual([
      "2026-11-30 request.approved",
      "2026-11-15 request.rejected",
      "2026-11-01 request.approved",
    ]);
    expect((await page("?to=2026-10-31")).data.total).toBe(1);
    expect((await page("?from=2026-12-01")).data.total).toBe(3);
    const combined = await page(`?actor=dc.example&action=request.approved&org=${ansi.id}&from=2026-11-01&to=2026-12-31`);
    expect(combined.status).toBe(200);
    expect(actions(combined.data)).toEqual(["2026-11-30 request.approved"]);
    expect(combined.data.values).toMatchObject({ actor: "dc.example", action: "request.approved", org: ansi.id });
    expect(combined.data.csvHref).toBe(`/ops/audit.csv?actor=dc.example&action=request.approved&org=${ansi.id}&from=2026-11-01&to=2026-12-31`);
  });

  test("pages keep the filters", async () => {
    const org = await createOrg(db());
    for (let i = 0; i < 60; i++) {
      await entry({ at: `2026-11-${String(1 + (i % 28)).padStart(2, "0")}T10:${String(i).padStart(2, "0")}:00Z`, action: "member.invited", orgId: org.id });
    }
    await entry({ at: "2026-11-05T10:00:00Z", action: "meter.created" });
    const first = await page("?action=member.invited&from=2026-11-01");
    expect(first.data.total).toBe(60);
    expect(first.data.rows).toHaveLength(50);
    expect(first.data.prevHref).toBeNull();
    expect(first.data.nextHref).toBe("?action=member.invited&from=2026-11-01&page=2");
    const second = await page(first.data.nextHref);
    expect(second.data.rows).toHaveLength(10);
    expect(second.data.rows.every((r: { action: string }) => r.action === "member.invited")).toBe(true);
    expect(second.data.prevHref).toBe("?action=member.invited&from=2026-11-01");
    expect(second.data.nextHref).toBeNull();
    expect((await page("?action=member.invited&page=abc")).data.page).toBe(1);
    expect((await page("?action=member.invited&page=99999999999")).data.page).toBe(1);
  });

  const BAD: [query: string, field: string, message: string][] = [
    ["?action=nope.nothing", "action", "audit.filter.unknownAction"],
    ["?action=%27%20OR%201%3D1--", "action", "audit.filter.unknownAction"],
    ["?org=not-a-uuid", "org", "audit.filter.unknownOrg"],
    ["?org=7f1d0a2e-0000-4000-8000-00000000dead", "org", "audit.filter.unknownOrg"],
    ["?from=0000-01-01", "from", "audit.filter.dateRange"],
    ["?from=1999-12-31", "from", "audit.filter.dateRange"],
    ["?to=9999-12-31", "to", "audit.filter.dateRange"],
    ["?from=2026-02-30", "from", "audit.filter.date"],
    ["?to=01/12/2026", "to", "audit.filter.date"],
    ["?from=2026-12-01&to=2026-11-01", "to", "audit.filter.dateOrder"],
    ["?actor=a%00b", "actor", "audit.filter.actorInvalid"],
    [`?actor=${"x".repeat(201)}`, "actor", "audit.filter.actorInvalid"],
  ];

  test("a malformed filter is a 400 naming its field; the other filters still apply; the CSV refuses it", async () => {
    const { kossi } = await fixture();
    const kossiOnly = (await page(`?org=${kossi.id}`)).data.total;
    expect(kossiOnly).toBe(2);
    for (const [query, field, message] of BAD) {
      const res = await page(query);
      expect(res.status, query).toBe(400);
      expect(res.data.errors, query).toEqual({ [field]: message });
      expect(res.data.csvHref, query).not.toContain(`${field}=`);
      // A valid filter beside the bad one is applied, and the links keep only the valid ones.
      if (field !== "org") {
        const mixed = await page(`${query}&org=${kossi.id}`);
        expect(mixed.status, query).toBe(400);
        const kept = query.includes("from=2026-12-01") ? "&from=2026-12-01" : "";
        expect(mixed.data.total, query).toBe(kept ? 0 : kossiOnly);
        expect(mixed.data.csvHref, query).toBe(`/ops/audit.csv?org=${kossi.id}${kept}`);
      }
      const refused = await csv(query);
      expect(refused.status, query).toBe(400);
      expect(refused.headers.get("Content-Type"), query).toMatch(/^text\/plain/);
      expect(await refused.text(), query).toContain(translate("fr", message as never));
    }
  });
});

describe("CSV export", () => {
  test("the filtered log, newest first, labelled in the reader's language, quoted where needed and safe in a spreadsheet", async () => {
    const org = await createOrg(db(), { name: "=HYPERLINK(\"http://evil.example\",\"Cliquez\")" });
    await entry({ at: "2026-11-01T08:00:00Z", action: "request.submitted", actor: "+33@evil.example", orgId: org.id, after: { notes: "ligne 1\nligne 2, \"citée\"" } });
    await entry({ at: "2026-11-02T08:00:00Z", action: "request.rejected", actor: "-cmd@evil.example", orgId: org.id, after: { reason: "@SUM(A1)" } });
    await entry({ at: "2026-11-03T08:00:00Z", action: "request.approved", actor: "@noc@dc.example", orgId: org.id });
    await entry({ at: "2026-11-04T08:00:00Z", action: "meter.created", actor: "noc@dc.example" });

    const res = await csv(`?org=${org.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = await csvRows(res);
    expect(rows.map((r) => r.action)).toEqual(["request.approved", "request.rejected", "request.submitted"]);
    const [approved, rejected, submitted] = rows;
    expect(approved["date (UTC)"]).toBe("2026-11-03T08:00:00.000Z");
    expect(approved["libellé"]).toBe("Demande approuvée");
    expect(approved.auteur).toBe("'@noc@dc.example");
    expect(rejected.auteur).toBe("'-cmd@evil.example");
    expect(submitted.auteur).toBe("'+33@evil.example");
    expect(approved.organisation).toBe("'=HYPERLINK(\"http://evil.example\",\"Cliquez\")");
    expect(approved["identifiant de l'organisation"]).toBe(org.id);
    // JSON cells keep their content exactly, newlines and quotes included.
    expect(JSON.parse(submitted["après"])).toEqual({ notes: "ligne 1\nligne 2, \"citée\"" });
    expect(JSON.parse(rejected["après"])).toEqual({ reason: "@SUM(A1)" });
    // No cell of the file starts a formula.
    for (const row of rows) for (const value of Object.values(row)) expect(value).not.toMatch(/^[=+\-@]/);

    const english = await signedIn(db(), { operatorRole: "ops_admin", locale: "en" });
    const en = await csvRows(await csv(`?action=request.rejected`, english.cookie));
    expect(en).toHaveLength(1);
    expect(en[0].label).toBe("Request rejected");
    expect(Object.keys(en[0])).toEqual(["date (UTC)", "actor", "action", "label", "entity type", "entity id", "organisation", "organisation id", "IP address", "before", "after"]);
  });

  test("a log longer than one batch comes out whole, once each", async () => {
    const values = Array.from({ length: 1203 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
      action: i % 2 ? "member.invited" : "meter.created",
      actor_email: "noc@dc.example",
      entity_type: "meter",
      entity_id: String(i),
    }));
    await db().insertInto("audit_log").values(values).execute();
    const all = await csvRows(await csv(""));
    expect(all).toHaveLength(1203);
    expect(new Set(all.map((r) => r["identifiant de l'objet"])).size).toBe(1203);
    expect(all[0]["identifiant de l'objet"]).toBe("1202");
    expect(await csvRows(await csv("?action=member.invited"))).toHaveLength(601);
  });

  test("a recorded action goes through recordAudit, which only takes labelled actions", async () => {
    await recordAudit(db(), { actor: { id: admin.id, email: admin.email }, action: "meter.created", entityType: "meter", entityId: "m1" });
    const rows = await csvRows(await csv("?action=meter.created"));
    expect(rows.map((r) => [r.auteur, r["libellé"]])).toEqual([[admin.email, "Compteur créé"]]);
  });
});
