import { createTestDb, type TestDb } from "../support/db";
import { call, getRequest } from "../support/http";
import { createOrg, signedIn } from "../support/factories";
import { loader as rootLoader } from "~/root";
import { loader as appLoader } from "~/routes/app";
import { loader as dashboardLoader } from "~/routes/app._index";
import { loader as accountLoader } from "~/routes/app.account";
import { lucia } from "~/modules/auth/lucia.server";
import { settleBackgroundWork } from "~/modules/auth/background.server";
import { sha256 } from "~/modules/auth/tokens.server";
import { REQUEST_KEY_HEADER } from "~/utils/http.server";

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await settleBackgroundWork();
  await t.cleanup();
});

const DAY_MS = 24 * 3600_000;
const FOURTEEN_DAYS_S = 14 * 24 * 3600;

/** A request as server.ts hands it to Remix: the server's id of the request in a header. */
function documentRequest(path: string, cookie: string, requestKey: string, method = "GET") {
  const request = getRequest(path, { cookie });
  request.headers.set(REQUEST_KEY_HEADER, requestKey);
  return method === "GET" ? request : new Request(request, { method, body: "", headers: request.headers });
}

const expiresAt = async (token: string) =>
  (await t.db.selectFrom("sessions").select("expires_at").where("id", "=", sha256(token)).executeTakeFirstOrThrow()).expires_at.getTime();

describe("one session validation per request", () => {
  test("the loaders of one document request share one validation (one query, not one per loader)", async () => {
    const org = await createOrg(t.db);
    const me = await signedIn(t.db, { orgId: org.id });
    const validate = vi.spyOn(lucia, "validateSession");
    const key = "request-1";
    // Remix runs the root's, the area's and the page's loaders side by side, each with its own copy of the request.
    const [root, area, page] = await Promise.all([
      call(rootLoader, documentRequest("/app", me.cookie, key)),
      call(appLoader, documentRequest("/app", me.cookie, key)),
      call(dashboardLoader, documentRequest("/app", me.cookie, key)),
    ]);
    expect([root.status, area.status, page.status]).toEqual([200, 200, 200]);
    expect(validate).toHaveBeenCalledTimes(1);
    const dashboard = await page.json();
    expect(dashboard).toMatchObject({ members: 1, contracts: { active: 0, upcoming: 0 }, billing: { certificates: [] } });
    expect(dashboard.sites.map((s: { code: string }) => s.code)).toEqual([...dashboard.sites.map((s: { code: string }) => s.code)].sort());
    // The next request validates again.
    await call(rootLoader, documentRequest("/app", me.cookie, "request-2"));
    expect(validate).toHaveBeenCalledTimes(2);
  });

  test("the root loader sends the slid cookie even when another loader's validation slid the session", async () => {
    const me = await signedIn(t.db, {});
    const token = me.cookie.split("=")[1];
    // In the second half of its life: the first validation of the request extends it.
    await t.db.updateTable("sessions").set({ expires_at: new Date(Date.now() + 3 * DAY_MS) }).where("id", "=", sha256(token)).execute();
    const key = "request-3";
    expect((await call(accountLoader, documentRequest("/app/account", me.cookie, key))).status).toBe(200);
    expect(await expiresAt(token)).toBeGreaterThan(Date.now() + 13 * DAY_MS);
    const root = await call(rootLoader, documentRequest("/app/account", me.cookie, key));
    expect(root.headers.get("Set-Cookie")).toMatch(new RegExp(`^colo_session=${token};.*Max-Age=${FOURTEEN_DAYS_S}`));
  });

  test("a session is extended only in the second half of its life, and an expired one is refused and deleted", async () => {
    const me = await signedIn(t.db, {});
    const token = me.cookie.split("=")[1];
    // 10 of 14 days left: no write, no new cookie.
    const tenDays = new Date(Date.now() + 10 * DAY_MS);
    await t.db.updateTable("sessions").set({ expires_at: tenDays }).where("id", "=", sha256(token)).execute();
    const fresh = await call(rootLoader, documentRequest("/app", me.cookie, "request-4"));
    expect(fresh.headers.get("Set-Cookie")).toBeNull();
    expect(await expiresAt(token)).toBe(tenDays.getTime());
    // Past its end: refused (the cookie is cleared) and the row is gone.
    await t.db.updateTable("sessions").set({ expires_at: new Date(Date.now() - 1000) }).where("id", "=", sha256(token)).execute();
    const expired = await call(rootLoader, documentRequest("/app", me.cookie, "request-5"));
    expect(expired.headers.get("Set-Cookie")).toMatch(/^colo_session=;.*Max-Age=0/);
    expect(await t.db.selectFrom("sessions").select("id").where("id", "=", sha256(token)).execute()).toEqual([]);
    const page = await call(accountLoader, documentRequest("/app/account", me.cookie, "request-6"));
    expect(page.status).toBe(302);
    expect(page.headers.get("Location")).toMatch(/^\/signin\?redirectTo=/);
  });

  test("never shared between requests: a session ended after one request is refused on the next", async () => {
    const me = await signedIn(t.db, {});
    expect((await call(accountLoader, documentRequest("/app/account", me.cookie, "request-7"))).status).toBe(200);
    await t.db.deleteFrom("sessions").execute();
    const next = await call(accountLoader, documentRequest("/app/account", me.cookie, "request-8"));
    expect(next.status).toBe(302);
  });

  test("a form submission validates for each call (its action may change the user before the loaders run)", async () => {
    const me = await signedIn(t.db, {});
    const validate = vi.spyOn(lucia, "validateSession");
    await call(accountLoader, documentRequest("/app/account", me.cookie, "request-9", "POST"));
    await call(accountLoader, documentRequest("/app/account", me.cookie, "request-9", "POST"));
    expect(validate).toHaveBeenCalledTimes(2);
  });
});
