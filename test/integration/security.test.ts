import { createTestDb, type TestDb } from "../support/db";
import { BASE, body, call, formRequest, getRequest } from "../support/http";
import { PASSWORD, count, createOrg, createUser, outbox, signUpFields, signedIn } from "../support/factories";
import { env, resetEnvCache } from "#db/env.server";
import { action as signInAction } from "~/routes/signin";
import { action as signUpAction } from "~/routes/signup";
import { action as forgotAction } from "~/routes/forgot-password";
import { action as resetAction } from "~/routes/reset-password";
import { action as accountAction } from "~/routes/app.account";
import { action as membersAction } from "~/routes/app.members";
import { loader as outboxLoader } from "~/routes/ops.outbox._index";
import { loader as messageLoader } from "~/routes/ops.outbox.$messageId";
import { loader as rootLoader } from "~/root";
import { handleDataRequest } from "~/entry.server";
import { deliverDueEmails, type OutgoingMail } from "~/modules/email/outbox.server";
import { settleBackgroundWork } from "~/modules/auth/background.server";
import { purgeExpiredAuthData } from "~/modules/auth/housekeeping.server";
import { LIMITS, hit, limitKey } from "~/modules/auth/rate-limits.server";
import { sha256 } from "~/modules/auth/tokens.server";
import { appUrl, isPrivateRequest } from "~/utils/request.server";

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  await settleBackgroundWork();
  await t.cleanup();
});

const PROD_URL = "https://portail.example.org";

/** Run `fn` as the production server would see its environment (NODE_ENV=production, APP_URL set). */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetEnvCache();
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}
const inProduction = <T>(fn: () => Promise<T>) => withEnv({ NODE_ENV: "production", APP_URL: PROD_URL }, fn);

const signIn = (email: string, password: string, ip: string) => call(signInAction, formRequest("/signin", { email, password }), {}, ip);

/** Every link token (43 base64url characters) in a text. */
const tokensIn = (text: string) => [...text.matchAll(/(?:token=|\/invite\/)([A-Za-z0-9_-]{43})/g)].map((m) => m[1]);

function recordingSender() {
  const sent: OutgoingMail[] = [];
  return { sent, send: async (mail: OutgoingMail) => void sent.push(mail) };
}

describe("configuration", () => {
  test("production refuses to start without APP_URL, with a clear message", async () => {
    await withEnv({ NODE_ENV: "production", APP_URL: undefined }, async () => {
      expect(() => env()).toThrow(/APP_URL: is required in production/);
    });
    await withEnv({ NODE_ENV: "production", APP_URL: PROD_URL }, async () => {
      expect(appUrl()).toBe(PROD_URL);
    });
  });

  test("in development, links point at the configured port on localhost", async () => {
    await withEnv({ NODE_ENV: "development", APP_URL: undefined, PORT: "3207" }, async () => {
      expect(appUrl()).toBe("http://localhost:3207");
    });
  });
});

describe("host header poisoning", () => {
  test("Host: evil.example on /forgot-password never reaches the link in the e-mail", async () => {
    await createUser(t.db, { email: "victim@example.test" });
    const poisoned = () =>
      new Request("http://evil.example/forgot-password", {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Host: "evil.example",
          Origin: "http://evil.example",
          "X-Forwarded-Host": "evil.example",
          "X-Forwarded-Proto": "https",
        },
        body: new URLSearchParams({ email: "victim@example.test" }).toString(),
      });
    expect((await call(forgotAction, poisoned())).status).toBe(200);
    await settleBackgroundWork();
    await inProduction(async () => {
      expect((await call(forgotAction, poisoned())).status).toBe(200);
      await settleBackgroundWork();
    });
    const mails = await outbox(t.db, "victim@example.test");
    expect(mails).toHaveLength(2);
    for (const mail of mails) expect(mail.text).not.toContain("evil.example");
    expect(mails[0].text).toContain(`${appUrl()}/reset-password?token=`);
    expect(mails[1].text).toContain(`${PROD_URL}/reset-password?token=`);
  });
});

describe("outbox takeover", () => {
  test("in production no operator role can read a live link; the link sent over SMTP works", async () => {
    const admin = await createUser(t.db, { operatorRole: "ops_admin", email: "chef@ops.example.test" });
    const org = await createOrg(t.db);
    const owner = await signedIn(t.db, { orgId: org.id });
    const readers = await Promise.all((["ops_noc", "ops_finance", "ops_admin"] as const).map((role) => signedIn(t.db, { operatorRole: role })));

    await inProduction(async () => {
      // A reset link for an ops_admin, a verification link, an invitation link.
      expect((await call(forgotAction, formRequest("/forgot-password", { email: admin.email }))).status).toBe(200);
      await settleBackgroundWork();
      expect((await call(signUpAction, formRequest("/signup", signUpFields("nouveau@example.test")), {}, "198.51.100.20")).status).toBe(200);
      expect((await call(membersAction, formRequest("/app/members", { intent: "invite", email: "invite@example.test", role: "viewer" }, { cookie: owner.cookie }))).status).toBe(200);

      // What every operator role can see in the portal before the message is sent.
      let seen = "";
      const banners: unknown[] = [];
      for (const reader of readers) {
        const list = await call(outboxLoader, getRequest("/ops/outbox", { cookie: reader.cookie }));
        expect(list.status).toBe(200);
        const listed = await body(list);
        banners.push(listed.showsSecrets);
        seen += JSON.stringify(listed);
        for (const row of listed.rows) {
          const page = await call(messageLoader, getRequest(`/ops/outbox/${row.id}`, { cookie: reader.cookie }), { messageId: row.id });
          expect(page.status).toBe(200);
          seen += await page.text();
        }
      }

      const { sent, send } = recordingSender();
      expect((await deliverDueEmails(t.db, send)).sent).toBe(3);
      const live = sent.flatMap((mail) => [...tokensIn(mail.text), ...tokensIn(mail.html)]);
      expect(new Set(live).size).toBe(3);
      for (const token of live) expect(seen).not.toContain(token);
      expect(seen).toContain("REDACTED");
      // The pages say the links are hidden (no development banner).
      expect(banners).toEqual([false, false, false]);
      // Nor in the stored copy, and the SMTP bodies are not kept once sent.
      const rows = await t.db.selectFrom("email_outbox").selectAll().execute();
      for (const row of rows) {
        for (const token of live) expect(row.html + row.text).not.toContain(token);
        expect(row.secret_html).toBeNull();
        expect(row.secret_text).toBeNull();
      }

      // The reset link that went over SMTP still works.
      const resetMail = sent.find((m) => m.to === admin.email)!;
      const token = new URL(resetMail.text.match(/https:\/\/\S+reset-password\?token=\S+/)![0]).searchParams.get("token")!;
      expect(resetMail.text).toContain(`${PROD_URL}/reset-password?token=`);
      const reset = await call(resetAction, formRequest("/reset-password", { token, password: "Nouveau-Chef-2026", passwordConfirm: "Nouveau-Chef-2026" }));
      expect(reset.status).toBe(302);
    });
    expect((await signIn(admin.email, "Nouveau-Chef-2026", "198.51.100.30")).status).toBe(302);
  });

  test("in development the links stay readable, under a development banner", async () => {
    const reader = await signedIn(t.db, { operatorRole: "ops_noc" });
    await createUser(t.db, { email: "dev@example.test" });
    await call(forgotAction, formRequest("/forgot-password", { email: "dev@example.test" }));
    await settleBackgroundWork();
    const listed = await body(await call(outboxLoader, getRequest("/ops/outbox", { cookie: reader.cookie })));
    expect(listed.showsSecrets).toBe(true);
    const id = listed.rows[0].id;
    const page = await body(await call(messageLoader, getRequest(`/ops/outbox/${id}`, { cookie: reader.cookie }), { messageId: id }));
    expect(page.showsSecrets).toBe(true);
    expect(tokensIn(page.message.text)).toHaveLength(1);
    expect(page.links[0]).toMatch(/reset-password\?token=[A-Za-z0-9_-]{43}$/);
  });
});

describe("sign-in limits", () => {
  test("five wrong guesses from one address lock that address out of that account, not its owner", async () => {
    await createUser(t.db, { email: "owner@example.test" });
    const attacker = "203.0.113.66";
    for (let i = 0; i < LIMITS.signInPair.max; i++) expect((await signIn("owner@example.test", `guess-${i}`, attacker)).status).toBe(401);
    // The attacker's address is refused, even with the right password…
    expect((await signIn("owner@example.test", PASSWORD, attacker)).status).toBe(429);
    // …the owner, from their own address, signs in.
    expect((await signIn("owner@example.test", PASSWORD, "198.51.100.10")).status).toBe(302);
  });

  test("changing a password is limited: a stolen session cannot guess the current password", async () => {
    const org = await createOrg(t.db);
    const me = await signedIn(t.db, { orgId: org.id });
    const change = (currentPassword: string) =>
      call(accountAction, formRequest("/app/account", { intent: "password", currentPassword, password: "Tout-Nouveau-2026", passwordConfirm: "Tout-Nouveau-2026" }, { cookie: me.cookie }));
    const before = (await t.db.selectFrom("users").select("password_hash").where("id", "=", me.id).executeTakeFirstOrThrow()).password_hash;
    for (let i = 0; i < LIMITS.passwordChange.max; i++) expect((await change(`guess-${i}`)).status).toBe(400);
    const limited = await change(PASSWORD);
    expect(limited.status).toBe(429);
    expect((await body(limited)).formError).toBe("security.tooManyPasswordAttempts");
    const hashOf = async () => (await t.db.selectFrom("users").select("password_hash").where("id", "=", me.id).executeTakeFirstOrThrow()).password_hash;
    expect(await hashOf()).toBe(before);
  });

  test("forgot-password is limited per address, with a clear message", async () => {
    const ip = "203.0.113.77";
    for (let i = 0; i < LIMITS.forgotAddress.max; i++) {
      expect((await call(forgotAction, formRequest("/forgot-password", { email: `x${i}@example.test` }), {}, ip)).status).toBe(200);
    }
    const limited = await call(forgotAction, formRequest("/forgot-password", { email: "y@example.test" }), {}, ip);
    expect(limited.status).toBe(429);
    expect((await body(limited)).formError).toBe("error.rateLimited");
  });

  test("reset e-mails to one address are capped silently (the answer never changes)", async () => {
    await createUser(t.db, { email: "flood@example.test" });
    for (let i = 0; i < LIMITS.forgotAccount.max + 2; i++) {
      const res = await call(forgotAction, formRequest("/forgot-password", { email: "flood@example.test" }), {}, `198.51.100.${i}`);
      expect(await body(res)).toEqual({ sent: true });
    }
    await settleBackgroundWork();
    expect(await outbox(t.db, "flood@example.test")).toHaveLength(LIMITS.forgotAccount.max);
  });

  test("sign-up is limited per address, with a clear message and nothing written", async () => {
    const ip = "203.0.113.88";
    for (let i = 0; i < LIMITS.signUpAddress.max; i++) await hit(t.db, limitKey.signUpAddress(ip), LIMITS.signUpAddress);
    const limited = await call(signUpAction, formRequest("/signup", signUpFields("late@example.test")), {}, ip);
    expect(limited.status).toBe(429);
    expect((await body(limited)).formError).toBe("security.tooManySignUps");
    expect(await count(t.db, "users")).toBe(0);
  });

  test("forgot-password answers before it looks the address up: same words, same work for known and unknown", async () => {
    await createUser(t.db, { email: "known@example.test" });
    const known = await call(forgotAction, formRequest("/forgot-password", { email: "known@example.test" }));
    // The answer has left and nothing has been looked up or written yet.
    expect(await count(t.db, "email_outbox")).toBe(0);
    const unknown = await call(forgotAction, formRequest("/forgot-password", { email: "unknown@example.test" }));
    expect(known.status).toBe(unknown.status);
    expect(await body(known)).toEqual(await body(unknown));
    await settleBackgroundWork();
    expect(await outbox(t.db, "known@example.test")).toHaveLength(1);
    expect(await outbox(t.db, "unknown@example.test")).toHaveLength(0);
  });
});

describe("sessions", () => {
  const FOURTEEN_DAYS_S = 14 * 24 * 3600;

  test("the session cookie lives as long as the server's session (not 400 days)", async () => {
    await createUser(t.db, { email: "cookie@example.test" });
    const res = await signIn("cookie@example.test", PASSWORD, "198.51.100.40");
    expect(res.status).toBe(302);
    const setCookie = res.headers.get("Set-Cookie")!;
    expect(setCookie).toMatch(new RegExp(`Max-Age=${FOURTEEN_DAYS_S}(;|$)`));
    const session = await t.db.selectFrom("sessions").select("expires_at").executeTakeFirstOrThrow();
    expect(Math.round((session.expires_at.getTime() - Date.now()) / 1000)).toBeGreaterThan(FOURTEEN_DAYS_S - 60);
  });

  test("when the server slides a session forward, the cookie is sent again with the new lifetime; a dead one is cleared", async () => {
    const me = await signedIn(t.db, {});
    const token = me.cookie.split("=")[1];
    // Used in the second half of its life: lucia extends it.
    await t.db.updateTable("sessions").set({ expires_at: new Date(Date.now() + 3 * 24 * 3600_000) }).where("id", "=", sha256(token)).execute();
    const res = await call(rootLoader, getRequest("/app", { cookie: me.cookie }));
    expect(res.headers.get("Set-Cookie")).toMatch(new RegExp(`^colo_session=${token};.*Max-Age=${FOURTEEN_DAYS_S}`));
    const session = await t.db.selectFrom("sessions").select("expires_at").where("id", "=", sha256(token)).executeTakeFirstOrThrow();
    expect(session.expires_at.getTime()).toBeGreaterThan(Date.now() + 13 * 24 * 3600_000);

    const gone = await call(rootLoader, getRequest("/app", { cookie: "colo_session=unknown-token" }));
    expect(gone.headers.get("Set-Cookie")).toMatch(/^colo_session=;.*Max-Age=0/);
  });

  test("expired sessions, ended limit counters and old tokens are purged", async () => {
    const now = new Date("2026-11-23T12:00:00Z");
    const user = await createUser(t.db, {});
    await t.db
      .insertInto("sessions")
      .values([
        { id: "expired", user_id: user.id, expires_at: new Date("2026-11-23T11:59:00Z") },
        { id: "alive", user_id: user.id, expires_at: new Date("2026-11-30T12:00:00Z") },
      ])
      .execute();
    await t.db
      .insertInto("rate_limits")
      .values([
        { key: "signin:pair:old", window_started_at: new Date("2026-11-23T10:00:00Z"), hits: 5 },
        { key: "signin:pair:current", window_started_at: new Date("2026-11-23T11:55:00Z"), hits: 2 },
      ])
      .execute();
    await t.db
      .insertInto("user_tokens")
      .values([
        { token_hash: "old", user_id: user.id, purpose: "reset_password", expires_at: new Date("2026-11-01T00:00:00Z") },
        { token_hash: "current", user_id: user.id, purpose: "reset_password", expires_at: new Date("2026-11-23T13:00:00Z") },
      ])
      .execute();
    expect(await purgeExpiredAuthData(t.db, now)).toEqual({ sessions: 1, rateLimits: 1, tokens: 1 });
    expect((await t.db.selectFrom("sessions").select("id").execute()).map((r) => r.id)).toEqual(["alive"]);
    expect((await t.db.selectFrom("rate_limits").select("key").execute()).map((r) => r.key)).toEqual(["signin:pair:current"]);
    expect((await t.db.selectFrom("user_tokens").select("token_hash").execute()).map((r) => r.token_hash)).toEqual(["current"]);
  });
});

describe("caching", () => {
  test("authenticated answers carry Cache-Control: private, no-store", async () => {
    const me = await signedIn(t.db, {});
    expect(isPrivateRequest(getRequest("/app/services"))).toBe(true);
    expect(isPrivateRequest(getRequest("/ops"))).toBe(true);
    expect(isPrivateRequest(getRequest("/", { cookie: me.cookie }))).toBe(true);
    expect(isPrivateRequest(getRequest("/signin"))).toBe(false);
    expect(isPrivateRequest(getRequest("/application-form"))).toBe(false);

    const data = handleDataRequest(new Response("{}", { headers: { "Cache-Control": "public, max-age=600" } }), {
      request: getRequest("/app?_data=routes/app", { cookie: me.cookie }),
    });
    expect(data.headers.get("Cache-Control")).toBe("private, no-store");
    const redirectData = handleDataRequest(Response.redirect(`${BASE}/signin`, 302), { request: getRequest("/ops?_data=routes/ops") });
    expect(redirectData.headers.get("Cache-Control")).toBe("private, no-store");
    const open = handleDataRequest(new Response("{}"), { request: getRequest("/signin?_data=routes/signin") });
    expect(open.headers.get("Cache-Control")).toBeNull();
  });

});
