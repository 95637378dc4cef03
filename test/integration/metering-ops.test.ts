import { createTestDb, usingPostgres, type TestDb } from "../support/db";
import { BASE, body, call, formRequest, getRequest } from "../support/http";
import { count, createOrg, signedIn } from "../support/factories";
import { t as translate, isMessageKey } from "~/i18n";
import { sha256 } from "~/modules/auth/tokens.server";
import { MAX_SAMPLES } from "~/modules/metering/ingest.server";
import { action as metersAction, loader as metersLoader } from "~/routes/ops.metering._index";
import { action as tokensAction, loader as tokensLoader } from "~/routes/ops.metering.tokens";
import { action as importAction, loader as importLoader } from "~/routes/ops.metering.import";
import { action as ingest } from "~/routes/api.v1.usage";
import { createMeter as createMeterUseCase } from "~/modules/metering/meters.server";
import { inTransactionOrRollback } from "~/utils/db.server";
import { dayIn } from "~/utils/dates";
import { sql } from "kysely";

let t: TestDb;
const db = () => t.db;
let noc: Awaited<ReturnType<typeof signedIn>>;

beforeEach(async () => {
  t = await createTestDb({ reference: true });
  noc = await signedIn(t.db, { operatorRole: "ops_noc" });
});
afterEach(async () => {
  await t.cleanup();
});

async function siteId(code: string) {
  return (await db().selectFrom("sites").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;
}

/** A contract row written directly (the approval flow is tested elsewhere). */
async function contract(code: string, orgName: string, startOn = "2020-01-01", endOn: string | null = null) {
  const org = await createOrg(db(), { name: orgName });
  const row = await db()
    .insertInto("contracts")
    .values({ org_id: org.id, site_id: await siteId(code), start_on: startOn, end_on: endOn, term_months: 12 })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, orgId: org.id, orgName };
}

const meters = (fields: Record<string, string>, cookie = noc.cookie) => call(metersAction, formRequest("/ops/metering?site=LDC", fields, { cookie }));
const tokens = (fields: Record<string, string | string[]>, cookie = noc.cookie) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  return call(
    tokensAction,
    new Request(`${BASE}/ops/metering/tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, Cookie: cookie },
      body: params.toString(),
    }),
  );
};
const upload = (site: string, csv: string | null, cookie = noc.cookie, fileName = "samples.csv") => {
  const form = new FormData();
  form.set("site", site);
  if (csv !== null) form.set("file", new File([csv], fileName, { type: "text/csv" }));
  return call(importAction, new Request(`${BASE}/ops/metering/import`, { method: "POST", headers: { Origin: BASE, Cookie: cookie }, body: form }));
};
const ingestWith = (token: string, samples: unknown[]) =>
  call(
    ingest,
    new Request(`${BASE}/api/v1/usage`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ samples }),
    }),
  );

async function createMeter(externalId: string, kind = "power", site = "LDC") {
  const res = await call(metersAction, formRequest(`/ops/metering?site=${site}`, { intent: "create", site, externalId, kind }, { cookie: noc.cookie }));
  expect(res.status).toBe(200);
  return (await body(res)).done.meterId as string;
}

describe("meters", () => {
  test("an operator creates a meter; the same external id at the same site is a 409 beside the field, another site is fine", async () => {
    const res = await meters({ intent: "create", site: "LDC", externalId: "LDC-PDU-A01-1", kind: "power", description: "PDU A01 voie A" });
    expect(res.status).toBe(200);
    const page = await body(await call(metersLoader, getRequest("/ops/metering?site=LDC", { cookie: noc.cookie })));
    expect(page.site.code).toBe("LDC");
    expect(page.canManage).toBe(true);
    expect(page.meters).toEqual([
      expect.objectContaining({ externalId: "LDC-PDU-A01-1", kind: "power", description: "PDU A01 voie A", contractId: null, lastSampleAt: null }),
    ]);

    const again = await meters({ intent: "create", site: "LDC", externalId: "LDC-PDU-A01-1", kind: "bandwidth" });
    expect(again.status).toBe(409);
    const errors = (await body(again)).errors;
    expect(errors).toEqual({ externalId: "meteringOps.error.externalIdTaken" });
    expect(translate("fr", errors.externalId)).toMatch(/déjà/);
    expect(await count(db(), "meters")).toBe(1);

    expect((await call(metersAction, formRequest("/ops/metering?site=KIN", { intent: "create", site: "KIN", externalId: "LDC-PDU-A01-1", kind: "power" }, { cookie: noc.cookie }))).status).toBe(200);
    expect(await count(db(), "meters")).toBe(2);
    const audit = await db().selectFrom("audit_log").select(["action", "actor_user_id"]).where("action", "=", "meter.created").execute();
    expect(audit).toHaveLength(2);
    expect(audit.every((a) => a.actor_user_id === noc.id)).toBe(true);
  });

  // Real concurrency needs real connections (PostgreSQL); PGlite runs one transaction at a time.
  test.runIf(usingPostgres())("20 identical creations at once: the unique constraint lets exactly one in, the others get a 409", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => meters({ intent: "create", site: "LDC", externalId: "LDC-PDU-RACE-1", kind: "power" })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, ...new Array(19).fill(409)]);
    for (const r of results.filter((x) => x.status === 409)) expect((await body(r)).errors).toEqual({ externalId: "meteringOps.error.externalIdTaken" });
    expect(await count(db(), "meters")).toBe(1);
    expect(await db().selectFrom("audit_log").select("id").where("action", "=", "meter.created").execute()).toHaveLength(1);
  });

  test.runIf(usingPostgres())("20 identical createMeter transactions at once: one meter, 19 duplicates, no error", async () => {
    const site = await siteId("LDC");
    const actor = { id: noc.id, email: noc.email };
    // All twenty transactions open (each on its own connection) before any of them writes.
    let opened = 0;
    let allOpen!: () => void;
    const barrier = new Promise<void>((resolve) => (allOpen = resolve));
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        inTransactionOrRollback(async (trx) => {
          await sql`select 1`.execute(trx);
          if (++opened === 20) allOpen();
          await barrier;
          return createMeterUseCase(trx, { siteId: site, externalId: "LDC-SW-RACE-2", kind: "bandwidth", actor });
        }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual(new Array(19).fill({ ok: false, error: "duplicate" }));
    expect(await count(db(), "meters")).toBe(1);
  });

  test("bad input is a 400 with a message key per field, and nothing is written", async () => {
    const res = await meters({ intent: "create", site: "LDC", externalId: "PDU A01 é", kind: "water", description: "x".repeat(201) });
    expect(res.status).toBe(400);
    const { errors } = await body(res);
    expect(Object.keys(errors).sort()).toEqual(["description", "externalId", "kind"]);
    for (const key of Object.values(errors)) expect(isMessageKey(key)).toBe(true);
    expect((await body(await meters({ intent: "create", site: "LDC", externalId: "", kind: "power" }))).errors).toEqual({ externalId: "error.required" });
    expect((await meters({ intent: "explode", site: "LDC" })).status).toBe(400);
    expect(await count(db(), "meters")).toBe(0);
  });

  test("an unknown site is a 404, never a 500", async () => {
    expect((await call(metersLoader, getRequest("/ops/metering?site=XYZ", { cookie: noc.cookie }))).status).toBe(404);
    expect((await call(metersLoader, getRequest("/ops/metering?site=%27--", { cookie: noc.cookie }))).status).toBe(404);
    expect((await call(metersAction, formRequest("/ops/metering", { intent: "create", site: "XYZ", externalId: "M1", kind: "power" }, { cookie: noc.cookie }))).status).toBe(404);
  });

  test("attach to a contract of the site; re-attaching to another contract later closes the first attachment", async () => {
    const meterId = await createMeter("LDC-PDU-A01-1");
    const first = await contract("LDC", "Kossi Digital SARL");
    const second = await contract("LDC", "Togo Cloud SA", "2021-01-01");
    const elsewhere = await contract("KIN", "Kin Hosting", "2020-01-01");

    // The select offers this site's active contracts only, with the tenant and a short id.
    const page = await body(await call(metersLoader, getRequest("/ops/metering?site=LDC", { cookie: noc.cookie })));
    expect(page.contracts.map((c: { orgName: string }) => c.orgName).sort()).toEqual(["Kossi Digital SARL", "Togo Cloud SA"]);
    expect(page.contracts[0].ref).toMatch(/^[0-9A-F]{8}$/);

    expect((await meters({ intent: "attach", site: "LDC", meterId, contractId: first.id, fromOn: "2020-01-01" })).status).toBe(200);
    const moved = await meters({ intent: "attach", site: "LDC", meterId, contractId: second.id, fromOn: "2021-03-01" });
    expect(moved.status).toBe(200);
    expect((await body(moved)).done).toEqual({ meterId, contractId: second.id, fromOn: "2021-03-01" });

    const attachments = await db().selectFrom("meter_attachments").select(["contract_id", "attached_on", "detached_on"]).where("meter_id", "=", meterId).orderBy("attached_on").execute();
    expect(attachments).toEqual([
      { contract_id: first.id, attached_on: "2020-01-01", detached_on: "2021-02-28" },
      { contract_id: second.id, attached_on: "2021-03-01", detached_on: null },
    ]);
    const listed = (await body(await call(metersLoader, getRequest("/ops/metering?site=LDC", { cookie: noc.cookie })))).meters[0];
    expect(listed).toMatchObject({ contractId: second.id, orgName: "Togo Cloud SA", attachedOn: "2021-03-01" });

    // Errors from attachMeter become messages beside the field; a failed attempt changes nothing.
    const wrongSite = await meters({ intent: "attach", site: "LDC", meterId, contractId: elsewhere.id, fromOn: "2022-01-01" });
    expect(wrongSite.status).toBe(400);
    expect((await body(wrongSite)).errors).toEqual({ contractId: "meteringOps.error.wrongSite" });
    const early = await meters({ intent: "attach", site: "LDC", meterId, contractId: second.id, fromOn: "2020-06-01" });
    expect((await body(early)).errors).toEqual({ fromOn: "meteringOps.error.outsideContract" });
    // Back to the first contract from a day the second already covers: the exclusion constraint refuses it,
    // and the first attachment's end date, changed in the same transaction, is rolled back.
    const overlap = await meters({ intent: "attach", site: "LDC", meterId, contractId: first.id, fromOn: "2020-06-01" });
    expect(overlap.status).toBe(400);
    expect((await body(overlap)).errors).toEqual({ fromOn: "meteringOps.error.overlap" });
    expect(await db().selectFrom("meter_attachments").select(["contract_id", "attached_on", "detached_on"]).where("meter_id", "=", meterId).orderBy("attached_on").execute()).toEqual(
      attachments,
    );
    expect(await db().selectFrom("audit_log").select("action").where("action", "=", "meter.attached").execute()).toHaveLength(2);
  });

  test("a meter attached from a date still to come at the site is listed as upcoming (from …), not as current", async () => {
    const meterId = await createMeter("LDC-PDU-A02-1");
    const c = await contract("LDC", "Kossi Digital SARL");
    // Ten days after today at Lomé (computed, never a fixed year).
    const later = dayIn("Africa/Lome", new Date(Date.now() + 10 * 86_400_000));
    expect((await meters({ intent: "attach", site: "LDC", meterId, contractId: c.id, fromOn: later })).status).toBe(200);
    const listed = (await body(await call(metersLoader, getRequest("/ops/metering?site=LDC", { cookie: noc.cookie })))).meters[0];
    expect(listed).toMatchObject({ contractId: null, attachedOn: null, upcoming: { on: later, contractId: c.id, orgName: "Kossi Digital SARL" } });
    expect(translate("fr", "meteringOps.meters.upcomingFrom", { date: "25/10/2026", org: "X" })).toBe("à partir du 25/10/2026 : X");
  });

  test("attach: a missing choice or a bad date is a 400; an unknown meter or contract is a 404", async () => {
    const meterId = await createMeter("LDC-SW1-ge-0/0/12", "bandwidth");
    const c = await contract("LDC", "Kossi Digital SARL");
    const missing = await meters({ intent: "attach", site: "LDC", meterId: "", contractId: "nope", fromOn: "2026-02-30" });
    expect(missing.status).toBe(400);
    expect((await body(missing)).errors).toEqual({ meterId: "meteringOps.error.choose", contractId: "meteringOps.error.choose", fromOn: "meteringOps.error.date" });
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await meters({ intent: "attach", site: "LDC", meterId: unknown, contractId: c.id, fromOn: "2026-01-01" })).status).toBe(404);
    expect((await meters({ intent: "attach", site: "LDC", meterId, contractId: unknown, fromOn: "2026-01-01" })).status).toBe(404);
    expect(await count(db(), "meter_attachments")).toBe(0);
  });
});

describe("API tokens", () => {
  test("the token is shown once, only its hash is stored, it works against the ingestion API, and revoked it is a 401", async () => {
    await createMeter("LDC-PDU-A01-1");
    const res = await tokens({ intent: "create", site: "LDC", name: "collector", scopes: ["usage:write"] });
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const { created } = await body(res);
    expect(created).toMatchObject({ name: "collector", siteCode: "LDC", scopes: ["usage:write"] });
    const token: string = created.token;
    expect(token).toMatch(/^colo_[A-Za-z0-9_-]{40,}$/);

    // Never again: not in the page, not in the database (api_tokens, audit_log), only its hash.
    const page = await call(tokensLoader, getRequest("/ops/metering/tokens", { cookie: noc.cookie }));
    const pageText = await page.text();
    expect(pageText).not.toContain(token);
    expect(JSON.parse(pageText).tokens).toEqual([
      expect.objectContaining({ name: "collector", siteCode: "LDC", scopes: ["usage:write"], prefix: token.slice(0, 11), lastUsedAt: null, revokedAt: null }),
    ]);
    const rows = await db().selectFrom("api_tokens").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toBe(sha256(token));
    expect(rows[0].created_by).toBe(noc.id);
    expect(JSON.stringify(rows)).not.toContain(token);
    const audit = await db().selectFrom("audit_log").selectAll().execute();
    expect(audit.map((a) => a.action)).toContain("api_token.created");
    expect(JSON.stringify(audit)).not.toContain(token);
    expect(JSON.stringify(audit)).not.toContain(token.slice(5));

    const sample = { meter: "LDC-PDU-A01-1", metric: "power_w", at: "2026-10-01T00:05:00Z", value: 1830 };
    const ingested = await ingestWith(token, [sample]);
    expect(ingested.status).toBe(200);
    expect(await ingested.json()).toEqual({ accepted: 1, duplicates: 0 });
    expect((await body(await call(tokensLoader, getRequest("/ops/metering/tokens", { cookie: noc.cookie })))).tokens[0].lastUsedAt).not.toBeNull();

    const revoke = await tokens({ intent: "revoke", tokenId: rows[0].id });
    expect(revoke.status).toBe(200);
    expect((await body(revoke)).notice).toEqual({ key: "meteringOps.tokens.revoked", name: "collector" });
    const refused = await ingestWith(token, [{ ...sample, at: "2026-10-01T00:10:00Z" }]);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: "unauthorized" });
    expect(await count(db(), "samples")).toBe(1);
    expect((await body(await call(tokensLoader, getRequest("/ops/metering/tokens", { cookie: noc.cookie })))).tokens[0].revokedAt).not.toBeNull();
    expect(await db().selectFrom("audit_log").select("actor_user_id").where("action", "=", "api_token.revoked").execute()).toEqual([{ actor_user_id: noc.id }]);

    // A second click says it is already done; an unknown or malformed id is a 404.
    expect((await body(await tokens({ intent: "revoke", tokenId: rows[0].id }))).notice.key).toBe("meteringOps.tokens.alreadyRevoked");
    expect((await tokens({ intent: "revoke", tokenId: "00000000-0000-4000-8000-000000000000" })).status).toBe(404);
    expect((await tokens({ intent: "revoke", tokenId: "nope" })).status).toBe(404);
  });

  test("a read-only token is refused by the ingestion API; both scopes may be granted", async () => {
    const reader = (await body(await tokens({ intent: "create", site: "KIN", name: "dashboard", scopes: ["usage:read"] }))).created.token;
    expect((await ingestWith(reader, [])).status).toBe(403);
    const both = await body(await tokens({ intent: "create", site: "KIN", name: "both", scopes: ["usage:read", "usage:write"] }));
    expect(both.created.scopes).toEqual(["usage:write", "usage:read"]);
  });

  test("at least one known scope, a name and a known site, or a 400 beside the field and no token", async () => {
    const none = await tokens({ intent: "create", site: "LDC", name: "collector" });
    expect(none.status).toBe(400);
    expect((await body(none)).errors).toEqual({ scopes: "meteringOps.error.scopes" });
    expect((await body(await tokens({ intent: "create", site: "LDC", name: "c", scopes: ["usage:admin"] }))).errors).toEqual({ scopes: "meteringOps.error.scopes" });
    expect((await body(await tokens({ intent: "create", site: "LDC", name: "  ", scopes: ["usage:write"] }))).errors).toEqual({ name: "error.required" });
    expect((await body(await tokens({ intent: "create", site: "XYZ", name: "c", scopes: ["usage:write"] }))).errors).toEqual({ site: "error.invalidChoice" });
    expect(await count(db(), "api_tokens")).toBe(0);
  });
});

describe("CSV import", () => {
  beforeEach(async () => {
    await createMeter("LDC-PDU-A01-1");
    await createMeter("LDC-SW1-ge-0/0/12", "bandwidth");
  });

  const good = [
    "meter,metric,at,value",
    "LDC-PDU-A01-1,energy_kwh,2026-10-01T00:05:00Z,15234.25",
    "LDC-PDU-A01-1,power_w,2026-10-01T00:05:00Z,1830",
    "LDC-SW1-ge-0/0/12,bw_out_mbps,2026-10-01T00:05:00+00:00,87.5",
    "",
  ].join("\n");

  test("a good file: counts of samples, stored, duplicates; importing it again stores nothing new", async () => {
    const res = await upload("LDC", good);
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ site: "LDC", fileName: "samples.csv", imported: { samples: 3, accepted: 3, duplicates: 0 } });
    expect(await count(db(), "samples")).toBe(3);
    const again = await body(await upload("LDC", `\uFEFF${good.replace(/\n/g, "\r\n")}`));
    expect(again.imported).toEqual({ samples: 3, accepted: 0, duplicates: 3 });
    expect(await count(db(), "samples")).toBe(3);
    const audit = await db().selectFrom("audit_log").select(["actor_user_id", "after"]).where("action", "=", "usage.imported").execute();
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ actor_user_id: noc.id, after: expect.objectContaining({ file: "samples.csv", accepted: 3 }) });
    const page = await body(await call(metersLoader, getRequest("/ops/metering?site=LDC", { cookie: noc.cookie })));
    expect(new Date(page.meters.find((m: { externalId: string }) => m.externalId === "LDC-PDU-A01-1").lastSampleAt).toISOString()).toBe("2026-10-01T00:05:00.000Z");
  });

  test("a file with bad lines stores nothing and names each line (header = line 1)", async () => {
    const csv = [
      "meter,metric,at,value",
      "LDC-PDU-A01-1,power_w,2026-10-01T00:05:00Z,1830",
      "LDC-PDU-A01-1,power_w,2026-10-01 00:10,1830",
      "LDC-PDU-A01-1,power_w,2026-10-01T00:15:00Z,1830",
      "LDC-PDU-A01-1,volts,2026-10-01T00:20:00Z,-1",
    ].join("\n");
    const res = await upload("LDC", csv);
    expect(res.status).toBe(400);
    const data = await body(res);
    expect(data.errors).toEqual({ file: "meteringOps.import.rejected" });
    expect(data.issues).toEqual([
      { line: 3, column: "at", problem: "at" },
      { line: 5, column: "metric", problem: "metric" },
      { line: 5, column: "value", problem: "value" },
    ]);
    expect(await count(db(), "samples")).toBe(0);
  });

  test("instants before 2000 or more than a day ahead, and values beyond numeric(20,6), are named by line; nothing is stored", async () => {
    const ahead = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const csv = [
      "meter,metric,at,value",
      "LDC-PDU-A01-1,power_w,2026-10-01T00:05:00Z,1830",
      "LDC-PDU-A01-1,power_w,0000-01-01T00:00:00Z,1830",
      `LDC-PDU-A01-1,power_w,${ahead},1830`,
      "LDC-PDU-A01-1,energy_kwh,2026-10-01T00:05:00Z,100000000000000",
    ].join("\n");
    const res = await upload("LDC", csv);
    expect(res.status).toBe(400);
    const data = await body(res);
    expect(data.issues).toEqual([
      { line: 3, column: "at", problem: "atTooEarly" },
      { line: 4, column: "at", problem: "atFuture" },
      { line: 5, column: "value", problem: "valueTooLarge" },
    ]);
    expect(translate("fr", "meteringOps.issue.atFuture")).toMatch(/futur/);
    expect(await count(db(), "samples")).toBe(0);
  });

  test("an unknown meter, or another site's, stores nothing; blank lines do not shift the line numbers", async () => {
    const csv = "meter,metric,at,value\n\nLDC-PDU-A01-1,power_w,2026-10-01T00:05:00Z,1830\n\nNOPE,power_w,2026-10-01T00:05:00Z,1\n";
    const data = await body(await upload("LDC", csv));
    expect(data.issues).toEqual([{ line: 5, column: "meter", problem: "unknownMeter", meter: "NOPE" }]);
    // The same good file against KIN, where these meters do not exist.
    const kin = await body(await upload("KIN", good));
    expect(kin.issues.map((i: { line: number }) => i.line)).toEqual([2, 3, 4]);
    expect(await count(db(), "samples")).toBe(0);
    expect(await db().selectFrom("audit_log").select("id").where("action", "=", "usage.imported").execute()).toEqual([]);
  });

  test("a wrong header, a malformed line, an empty file, no file, too many lines, too many bytes: clear 400s", async () => {
    expect((await body(await upload("LDC", "id;metric;time;value\nx;y;z;1\n"))).issues).toEqual([{ line: 1, column: null, problem: "header" }]);
    expect((await body(await upload("LDC", "meter,metric,at,value\nLDC-PDU-A01-1,power_w,2026-10-01T00:05:00Z\n"))).issues).toEqual([{ line: 2, column: null, problem: "malformed" }]);
    expect((await body(await upload("LDC", "meter,metric,at,value\n"))).errors).toEqual({ file: "meteringOps.import.empty" });
    const noFile = await upload("LDC", null);
    expect(noFile.status).toBe(400);
    expect((await body(noFile)).errors).toEqual({ file: "meteringOps.import.chooseFile" });
    expect((await body(await upload("XYZ", good))).errors).toEqual({ site: "error.invalidChoice" });

    const lines = Array.from({ length: MAX_SAMPLES + 1 }, (_, i) => `LDC-PDU-A01-1,power_w,${new Date(Date.UTC(2026, 9, 1) + i * 300_000).toISOString()},1`);
    const tooMany = await upload("LDC", ["meter,metric,at,value", ...lines].join("\n"));
    expect(tooMany.status).toBe(400);
    expect((await body(tooMany)).errors).toEqual({ file: "meteringOps.import.tooMany" });
    expect(translate("en", "meteringOps.import.tooMany", { max: "10,000" })).toContain("10,000");

    const tooBig = await upload("LDC", `meter,metric,at,value\n${"x".repeat(5 * 1024 * 1024)}`);
    expect(tooBig.status).toBe(400);
    expect((await body(tooBig)).errors).toEqual({ file: "meteringOps.import.tooLarge" });

    const notMultipart = await call(importAction, formRequest("/ops/metering/import", { site: "LDC" }, { cookie: noc.cookie }));
    expect(notMultipart.status).toBe(400);
    expect(await count(db(), "samples")).toBe(0);
  });
});

describe("who may do what", () => {
  test("ops_finance reads the pages but every mutation is a 403 and writes nothing", async () => {
    const finance = await signedIn(db(), { operatorRole: "ops_finance" });
    const meterId = await createMeter("LDC-PDU-A01-1");
    const c = await contract("LDC", "Kossi Digital SARL");
    const existing = await body(await tokens({ intent: "create", site: "LDC", name: "collector", scopes: ["usage:write"] }));
    const tokenId = (await db().selectFrom("api_tokens").select("id").executeTakeFirstOrThrow()).id;
    const before = await Promise.all((["meters", "meter_attachments", "api_tokens", "samples", "audit_log"] as const).map((table) => count(db(), table)));

    for (const [loader, path] of [
      [metersLoader, "/ops/metering?site=LDC"],
      [tokensLoader, "/ops/metering/tokens"],
      [importLoader, "/ops/metering/import"],
    ] as const) {
      const res = await call(loader, getRequest(path, { cookie: finance.cookie }));
      expect(res.status, path).toBe(200);
      expect((await body(res)).canManage, path).toBe(false);
    }
    expect((await meters({ intent: "create", site: "LDC", externalId: "M2", kind: "power" }, finance.cookie)).status).toBe(403);
    expect((await meters({ intent: "attach", site: "LDC", meterId, contractId: c.id, fromOn: "2026-01-01" }, finance.cookie)).status).toBe(403);
    expect((await tokens({ intent: "create", site: "LDC", name: "x", scopes: ["usage:write"] }, finance.cookie)).status).toBe(403);
    expect((await tokens({ intent: "revoke", tokenId }, finance.cookie)).status).toBe(403);
    expect((await upload("LDC", "meter,metric,at,value\nLDC-PDU-A01-1,power_w,2026-10-01T00:05:00Z,1\n", finance.cookie)).status).toBe(403);
    const after = await Promise.all((["meters", "meter_attachments", "api_tokens", "samples", "audit_log"] as const).map((table) => count(db(), table)));
    expect(after).toEqual(before);
    expect(existing.created.token).toBeTruthy();
  });

  test("a tenant gets a 404 on every page and action; a visitor is sent to sign in", async () => {
    const org = await createOrg(db());
    const tenant = await signedIn(db(), { orgId: org.id, role: "owner" });
    for (const [fn, path] of [
      [metersLoader, "/ops/metering"],
      [tokensLoader, "/ops/metering/tokens"],
      [importLoader, "/ops/metering/import"],
    ] as const) {
      expect((await call(fn, getRequest(path, { cookie: tenant.cookie }))).status, path).toBe(404);
      const visitor = await call(fn, getRequest(path));
      expect(visitor.status, path).toBe(302);
      expect(visitor.headers.get("Location")).toMatch(/^\/signin/);
    }
    expect((await meters({ intent: "create", site: "LDC", externalId: "M1", kind: "power" }, tenant.cookie)).status).toBe(404);
    expect((await tokens({ intent: "create", site: "LDC", name: "x", scopes: ["usage:write"] }, tenant.cookie)).status).toBe(404);
    expect((await upload("LDC", "meter,metric,at,value\n", tenant.cookie)).status).toBe(404);
    expect(await count(db(), "meters")).toBe(0);
    expect(await count(db(), "api_tokens")).toBe(0);
  });
});
