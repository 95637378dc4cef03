import { createTestDb, usingPostgres, type TestDb } from "../support/db";
import { BASE, call } from "../support/http";
import { action as ingest, loader as ingestLoader } from "~/routes/api.v1.usage";
import { createApiToken } from "~/modules/metering/tokens.server";
import { MAX_SAMPLES, parseBatch } from "~/modules/metering/ingest.server";
import { inTransaction } from "~/utils/db.server";

let t: TestDb;
let ldc: string;
let token: string;

beforeEach(async () => {
  t = await createTestDb({ reference: true });
  ldc = (await t.db.selectFrom("sites").select("id").where("code", "=", "LDC").executeTakeFirstOrThrow()).id;
  const kin = (await t.db.selectFrom("sites").select("id").where("code", "=", "KIN").executeTakeFirstOrThrow()).id;
  await t.db
    .insertInto("meters")
    .values([
      { site_id: ldc, external_id: "LDC-PDU-A01-1", kind: "power", description: null },
      { site_id: ldc, external_id: "LDC-SW1-ge-0/0/12", kind: "bandwidth", description: null },
      { site_id: kin, external_id: "KIN-PDU-B01-1", kind: "power", description: null },
    ])
    .execute();
  token = (await inTransaction((trx) => createApiToken(trx, { siteId: ldc, name: "collector", scopes: ["usage:write"], actor: null }))).token;
});
afterEach(async () => {
  await t.cleanup();
});

const post = (body: string, headers: Record<string, string> = {}) =>
  call(
    ingest,
    new Request(`${BASE}/api/v1/usage`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
      body,
    }),
  );
const json = (samples: unknown[]) => JSON.stringify({ samples });
const stored = async () => (await t.db.selectFrom("samples").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n;

const sample = (i: number, extra: Record<string, unknown> = {}) => ({
  meter: "LDC-PDU-A01-1",
  metric: "energy_kwh",
  at: new Date(Date.UTC(2026, 9, 1, 0, 5 * i)).toISOString(),
  value: 15234.25 + i,
  ...extra,
});

test("200: stores a JSON batch and counts re-sent samples as duplicates", async () => {
  const batch = json([sample(0), sample(1), { meter: "LDC-SW1-ge-0/0/12", metric: "bw_out_mbps", at: "2026-10-01T00:05:00Z", value: 87.5 }]);
  const first = await post(batch);
  expect(first.status).toBe(200);
  expect(await first.json()).toEqual({ accepted: 3, duplicates: 0 });
  const again = await post(batch);
  expect(await again.json()).toEqual({ accepted: 0, duplicates: 3 });
  expect(await stored()).toBe(3);
});

test("the first value stored for a (meter, metric, at) stands, whatever the offset notation", async () => {
  await post(json([sample(0, { value: 100 })]));
  const res = await post(json([sample(0, { value: 999, at: "2026-10-01T01:00:00+01:00" })]));
  expect(await res.json()).toEqual({ accepted: 0, duplicates: 1 });
  const row = await t.db.selectFrom("samples").select("value").executeTakeFirstOrThrow();
  expect(row.value).toBe("100.000000");
});

test("200: CSV with the header line meter,metric,at,value", async () => {
  const csv = "meter,metric,at,value\nLDC-PDU-A01-1,power_w,2026-10-01T00:05:00Z,1830\nLDC-SW1-ge-0/0/12,bw_in_mbps,2026-10-01T00:05:00+00:00,12.5\n";
  const res = await post(csv, { "Content-Type": "text/csv; charset=utf-8" });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ accepted: 2, duplicates: 0 });
});

test("400: one bad sample stores nothing and names its path", async () => {
  const res = await post(json([sample(0), sample(1, { at: "2026-10-01 00:10" }), sample(2, { value: -1 }), sample(3, { metric: "volts" })]));
  expect(res.status).toBe(400);
  const body = await res.json();
  expect(body.error).toBe("invalid_request");
  expect(body.issues.map((i: { path: string }) => i.path)).toEqual(["samples.1.at", "samples.2.value", "samples.3.metric"]);
  expect(body.issues.every((i: { message: string }) => i.message.length > 0)).toBe(true);
  expect(await stored()).toBe(0);
});

test("400, never a 500: instants the database cannot hold or a bill should not, values beyond numeric(20,6)", async () => {
  const inTwoDays = new Date(Date.now() + 2 * 86_400_000).toISOString();
  const res = await post(
    json([
      sample(0),
      sample(1, { at: "0000-01-01T00:00:00Z" }),
      sample(2, { at: "1999-12-31T23:59:59Z" }),
      sample(3, { at: inTwoDays }),
      sample(4, { at: "2026-02-31T00:00:00Z" }),
      sample(5, { value: 1e14 }),
      sample(6, { value: 1e21 }),
      sample(7, { at: "9999-12-31T23:59:59Z" }),
    ]),
  );
  expect(res.status).toBe(400);
  const body = await res.json();
  expect(body.error).toBe("invalid_request");
  expect(body.issues).toEqual([
    { path: "samples.1.at", message: "must be on or after 2000-01-01T00:00:00Z" },
    { path: "samples.2.at", message: "must be on or after 2000-01-01T00:00:00Z" },
    { path: "samples.3.at", message: "must not be more than one day in the future" },
    { path: "samples.4.at", message: "must be an ISO 8601 instant with an offset or Z" },
    { path: "samples.5.value", message: "must be below 100000000000000 (numeric(20,6))" },
    { path: "samples.6.value", message: "must be below 100000000000000 (numeric(20,6))" },
    { path: "samples.7.at", message: "must not be more than one day in the future" },
  ]);
  expect(await stored()).toBe(0);
  // The same through CSV.
  const csv = await post(`meter,metric,at,value\nLDC-PDU-A01-1,power_w,${inTwoDays},1\nLDC-PDU-A01-1,power_w,2026-10-01T00:05:00Z,1e15\n`, { "Content-Type": "text/csv" });
  expect(csv.status).toBe(400);
  expect((await csv.json()).issues.map((i: { path: string }) => i.path)).toEqual(["samples.0.at", "samples.1.value"]);
  expect(await stored()).toBe(0);
});

test("the largest value numeric(20,6) holds is stored; more than 6 decimals are rounded by the database, not refused", async () => {
  const res = await post(json([sample(0, { value: 99999999999999.98 }), sample(1, { value: 1.1234567 }), sample(2, { value: 1e-7 })]));
  expect(res.status).toBe(200);
  const values = await t.db.selectFrom("samples").select("value").orderBy("at").execute();
  expect(values.map((v) => v.value)).toEqual(["99999999999999.980000", "1.123457", "0.000000"]);
});

test("'more than one day in the future' is measured against the clock the module is given", () => {
  const now = new Date("2026-10-15T12:00:00Z");
  const batch = (at: string) => JSON.stringify({ samples: [{ meter: "M", metric: "power_w", at, value: 1 }] });
  expect(parseBatch("application/json", batch("2026-10-16T12:00:00Z"), { now }).ok).toBe(true); // exactly a day ahead
  expect(parseBatch("application/json", batch("2026-10-16T13:00:00+01:00"), { now }).ok).toBe(true); // the same instant
  const late = parseBatch("application/json", batch("2026-10-16T12:00:01Z"), { now });
  expect(late).toEqual({ ok: false, failure: { status: 400, body: { error: "invalid_request", issues: [{ path: "samples.0.at", message: "must not be more than one day in the future" }] } } });
  expect(parseBatch("application/json", batch("2000-01-01T00:00:00Z"), { now }).ok).toBe(true);
  expect(parseBatch("application/json", batch("2000-01-01T00:59:59+01:00"), { now }).ok).toBe(false); // 1999-12-31T23:59:59Z
});

test("400: an unknown meter, or another site's meter, stores nothing", async () => {
  const res = await post(json([sample(0), sample(1, { meter: "KIN-PDU-B01-1" }), sample(2, { meter: "NOPE" })]));
  expect(res.status).toBe(400);
  expect((await res.json()).issues.map((i: { path: string }) => i.path)).toEqual(["samples.1.meter", "samples.2.meter"]);
  expect(await stored()).toBe(0);
});

test("400: malformed JSON, a missing samples array, malformed CSV, a wrong CSV header, a non-finite value", async () => {
  for (const [body, type] of [
    ["{nope", "application/json"],
    [JSON.stringify({ rows: [] }), "application/json"],
    ['meter,metric,at,value\n"unterminated,power_w,2026-10-01T00:05:00Z,1\n', "text/csv"],
    ["id,metric,time,value\nLDC-PDU-A01-1,power_w,2026-10-01T00:05:00Z,1\n", "text/csv"],
    ["meter,metric,at,value\nLDC-PDU-A01-1,power_w,2026-10-01T00:05:00Z,Infinity\n", "text/csv"],
  ]) {
    const res = await post(body, { "Content-Type": type });
    expect(res.status, body).toBe(400);
    expect((await res.json()).error).toBe("invalid_request");
  }
  expect(await stored()).toBe(0);
});

test("401: no token, an unknown token, a revoked token", async () => {
  for (const authorization of ["", "Bearer colo_unknown", "Basic abc"]) {
    const res = await post(json([sample(0)]), { Authorization: authorization });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "unauthorized" });
  }
  await t.db.updateTable("api_tokens").set({ revoked_at: new Date() }).execute();
  expect((await post(json([sample(0)]))).status).toBe(401);
  expect(await stored()).toBe(0);
});

test("403: a token without usage:write", async () => {
  const readOnly = (await inTransaction((trx) => createApiToken(trx, { siteId: ldc, name: "reader", scopes: ["usage:read"], actor: null }))).token;
  const res = await post(json([sample(0)]), { Authorization: `Bearer ${readOnly}` });
  expect(res.status).toBe(403);
  expect(await res.json()).toEqual({ error: "forbidden" });
});

test("413: more than 10,000 samples, or a body over 5 MB", async () => {
  const many = await post(json(Array.from({ length: MAX_SAMPLES + 1 }, (_, i) => sample(i))));
  expect(many.status).toBe(413);
  expect(await many.json()).toEqual({ error: "too_large" });
  const big = await post(`{"samples":[],"padding":"${"x".repeat(5 * 1024 * 1024)}"}`);
  expect(big.status).toBe(413);
  expect(await stored()).toBe(0);
});

test("413 without buffering: a streamed body is cut off once past the limit", async () => {
  let pulled = 0;
  const chunk = new Uint8Array(1024 * 1024).fill(32);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      if (pulled > 50) controller.close();
      else controller.enqueue(chunk);
    },
  });
  const res = await call(
    ingest,
    new Request(`${BASE}/api/v1/usage`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: stream, duplex: "half" } as RequestInit),
  );
  expect(res.status).toBe(413);
  expect(pulled).toBeLessThan(10);
});

test("415: another content type", async () => {
  const res = await post("meter=x", { "Content-Type": "application/x-www-form-urlencoded" });
  expect(res.status).toBe(415);
  expect(await res.json()).toEqual({ error: "unsupported_media_type" });
});

test("10,000 samples in one batch are accepted", async () => {
  const res = await post(json(Array.from({ length: MAX_SAMPLES }, (_, i) => sample(i))));
  expect(await res.json()).toEqual({ accepted: MAX_SAMPLES, duplicates: 0 });
});

test("GET is not allowed", async () => {
  expect((await call(ingestLoader, new Request(`${BASE}/api/v1/usage`))).status).toBe(405);
});

test.runIf(usingPostgres())("concurrent identical batches store each sample once (PostgreSQL)", async () => {
  const batch = json(Array.from({ length: 500 }, (_, i) => sample(i)));
  const results = await Promise.all(Array.from({ length: 8 }, () => post(batch).then((r) => r.json())));
  expect(results.reduce((s, r) => s + r.accepted, 0)).toBe(500);
  expect(results.reduce((s, r) => s + r.duplicates, 0)).toBe(7 * 500);
  expect(await stored()).toBe(500);
});
