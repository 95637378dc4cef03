import { createTestDb, type TestDb } from "../support/db";
import { body, call, cookieFrom, formRequest, getRequest } from "../support/http";
import { PASSWORD, count, createUser, linkIn, outbox, signUpFields, signedIn } from "../support/factories";
import { action as signUpAction } from "~/routes/signup";
import { action as signInAction } from "~/routes/signin";
import { loader as verifyLoader } from "~/routes/verify-email";
import { action as forgotAction } from "~/routes/forgot-password";
import { action as resetAction } from "~/routes/reset-password";
import { action as accountAction } from "~/routes/app.account";
import { loader as dashboardLoader } from "~/routes/app._index";
import { MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_PAIR } from "~/modules/auth/accounts.server";
import { settleBackgroundWork } from "~/modules/auth/background.server";
import { appUrl } from "~/utils/request.server";
import { sha256 } from "~/modules/auth/tokens.server";

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  await t.cleanup();
});

const signIn = (email: string, password: string, ip?: string) =>
  call(signInAction, formRequest("/signin", { email, password }), {}, ip);

describe("sign-up", () => {
  test("creates a pending organisation, its unverified owner and a verification e-mail", async () => {
    const res = await call(signUpAction, formRequest("/signup", signUpFields("Ama@Awoudi.example.test")));
    expect(res.status).toBe(200);
    expect((await body(res)).done).toBe("ama@awoudi.example.test");

    const org = await t.db.selectFrom("organisations").selectAll().where("name", "=", "Awoudi Services SARL").executeTakeFirstOrThrow();
    expect(org).toMatchObject({ status: "pending", kind: "sme", tax_id: "1000123456", country: "TG", payment_terms_days: 30 });
    const user = await t.db.selectFrom("users").selectAll().where("email", "=", "ama@awoudi.example.test").executeTakeFirstOrThrow();
    expect(user.email_verified_at).toBeNull();
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    const membership = await t.db.selectFrom("memberships").selectAll().where("user_id", "=", user.id).executeTakeFirstOrThrow();
    expect(membership).toMatchObject({ org_id: org.id, role: "owner" });

    const [mail] = await outbox(t.db, "ama@awoudi.example.test");
    expect(mail.template).toBe("verify_email");
    expect(mail.locale).toBe("fr");
    expect(linkIn(mail.text, `${appUrl()}/verify-email?token=`)).toBeTruthy();
  });

  test("bad input re-renders with a message per field and writes nothing", async () => {
    const fields = { ...signUpFields("not-an-email"), orgName: "", taxId: "NIF avec espaces!", country: "XX", passwordConfirm: "other" };
    const res = await call(signUpAction, formRequest("/signup", fields));
    expect(res.status).toBe(400);
    const { errors, values } = await body(res);
    expect(errors).toMatchObject({
      orgName: "error.required",
      taxId: "error.taxId",
      country: "error.country",
      email: "error.email",
      passwordConfirm: "error.passwordMismatch",
    });
    expect(values.password).toBeUndefined();
    expect(await count(t.db, "organisations")).toBe(0);
    expect(await count(t.db, "users")).toBe(0);
    expect(await count(t.db, "email_outbox")).toBe(0);
  });

  test("a short password is refused", async () => {
    const res = await call(signUpAction, formRequest("/signup", { ...signUpFields("a@b.test"), password: "court", passwordConfirm: "court" }));
    expect(res.status).toBe(400);
    expect((await body(res)).errors.password).toBe("error.passwordTooShort");
  });

  test("an e-mail already used is refused and nothing is written", async () => {
    await createUser(t.db, { email: "taken@example.test" });
    const res = await call(signUpAction, formRequest("/signup", signUpFields("taken@example.test")));
    expect(res.status).toBe(409);
    expect((await body(res)).errors.email).toBe("error.emailTaken");
    expect(await count(t.db, "organisations")).toBe(0);
  });
});

describe("e-mail verification and sign-in", () => {
  test("the full path: sign up, refused before verification, verify, sign in", async () => {
    await call(signUpAction, formRequest("/signup", signUpFields("kodjo@example.test")));
    const before = await signIn("kodjo@example.test", "Bien-Long-Mot-2026");
    expect(before.status).toBe(403);
    expect((await body(before)).formError).toBe("error.emailNotVerified");
    const mails = await outbox(t.db, "kodjo@example.test");
    expect(mails).toHaveLength(2); // the sign-up link and a fresh one

    // The first link was replaced by the second one.
    const first = new URL(linkIn(mails[0].text, `${appUrl()}/verify-email`));
    expect((await call(verifyLoader, getRequest(first.pathname + first.search))).status).toBe(400);
    const latest = new URL(linkIn(mails[1].text, `${appUrl()}/verify-email`));
    const verified = await call(verifyLoader, getRequest(latest.pathname + latest.search));
    expect(verified.status).toBe(302);
    expect(verified.headers.get("Location")).toBe("/signin?notice=verified");
    // Single use.
    expect((await call(verifyLoader, getRequest(latest.pathname + latest.search))).status).toBe(400);

    const res = await signIn("kodjo@example.test", "Bien-Long-Mot-2026");
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/app");
    const setCookie = res.headers.get("Set-Cookie")!;
    expect(setCookie).toMatch(/^colo_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const token = cookieFrom(res).split("=")[1];
    // Only the hash of the token is stored.
    const sessions = await t.db.selectFrom("sessions").select("id").execute();
    expect(sessions.map((s) => s.id)).toEqual([sha256(token)]);

    const dashboard = await call(dashboardLoader, getRequest("/app", { cookie: cookieFrom(res) }));
    expect(dashboard.status).toBe(200);
    expect((await body(dashboard)).org.status).toBe("pending");
  });

  test("an expired verification link is refused", async () => {
    await call(signUpAction, formRequest("/signup", signUpFields("late@example.test")));
    await t.db.updateTable("user_tokens").set({ expires_at: new Date(Date.now() - 1000) }).execute();
    const [mail] = await outbox(t.db, "late@example.test");
    const link = new URL(linkIn(mail.text, `${appUrl()}/verify-email`));
    expect((await call(verifyLoader, getRequest(link.pathname + link.search))).status).toBe(400);
    const user = await t.db.selectFrom("users").select("email_verified_at").executeTakeFirstOrThrow();
    expect(user.email_verified_at).toBeNull();
  });

  test("a wrong password and an unknown account get the same answer", async () => {
    await createUser(t.db, { email: "known@example.test" });
    const wrong = await signIn("known@example.test", "wrong-password");
    const unknown = await signIn("nobody@example.test", "wrong-password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await body(wrong)).toEqual(await body(unknown));
  });

  test(`an account is locked after ${MAX_FAILURES_PER_ACCOUNT} failures from many addresses, even with the right password`, async () => {
    await createUser(t.db, { email: "target@example.test" });
    const addresses = MAX_FAILURES_PER_ACCOUNT / MAX_FAILURES_PER_PAIR;
    const guesses = await Promise.all(
      Array.from({ length: MAX_FAILURES_PER_ACCOUNT }, (_, i) => signIn("target@example.test", `guess-${i}`, `203.0.113.${i % addresses}`)),
    );
    expect(guesses.map((r) => r.status)).toEqual(new Array(MAX_FAILURES_PER_ACCOUNT).fill(401));
    const locked = await signIn("target@example.test", PASSWORD, "203.0.113.99");
    expect(locked.status).toBe(429);
    expect((await body(locked)).formError).toBe("error.rateLimited");
    expect(await count(t.db, "sessions")).toBe(0);
  });

  test(`an address is blocked after ${MAX_FAILURES_PER_ADDRESS} failures across accounts`, async () => {
    await createUser(t.db, { email: "victim@example.test" });
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      await signIn(`spray-${i}@example.test`, "Password123!", "192.0.2.50");
    }
    expect((await signIn("victim@example.test", PASSWORD, "192.0.2.50")).status).toBe(429);
    // Another address is not affected.
    expect((await signIn("victim@example.test", PASSWORD, "192.0.2.51")).status).toBe(302);
  });

  test("sign-in form errors are field messages, not a 500", async () => {
    const res = await call(signInAction, formRequest("/signin", { email: "", password: "" }));
    expect(res.status).toBe(400);
    expect((await body(res)).errors).toEqual({ email: "error.required", password: "error.required" });
  });

  test("redirectTo only allows local paths", async () => {
    await createUser(t.db, { email: "r@example.test" });
    const evil = await call(signInAction, formRequest("/signin", { email: "r@example.test", password: PASSWORD, redirectTo: "//evil.example/phish" }));
    expect(evil.headers.get("Location")).toBe("/app");
    // What /signin?redirectTo=%2F%09%2Fevil.example and friends put in the hidden field: never another origin, never a 500.
    for (const redirectTo of ["/\t/evil.example", "/\n/evil.example", "/\u0000", "/.//evil.example", "/\\evil.example"]) {
      const res = await call(signInAction, formRequest("/signin", { email: "r@example.test", password: PASSWORD, redirectTo }));
      // A form that refuses control characters outright (400) is fine too; a 500 or another origin is not.
      expect([302, 400]).toContain(res.status);
      if (res.status === 302) expect(res.headers.get("Location")).toBe("/app");
    }
    const unicode = await call(signInAction, formRequest("/signin", { email: "r@example.test", password: PASSWORD, redirectTo: "/。evil.example" }));
    expect(unicode.status).toBe(302);
    expect(new URL(unicode.headers.get("Location")!, "https://portal.example.org").origin).toBe("https://portal.example.org");
    const local = await call(signInAction, formRequest("/signin", { email: "r@example.test", password: PASSWORD, redirectTo: "/app/members" }));
    expect(local.headers.get("Location")).toBe("/app/members");
  });
});

describe("password reset and change", () => {
  test("a reset link is sent only to existing accounts; the answer is the same", async () => {
    await createUser(t.db, { email: "forgot@example.test" });
    const known = await call(forgotAction, formRequest("/forgot-password", { email: "forgot@example.test" }));
    const unknown = await call(forgotAction, formRequest("/forgot-password", { email: "ghost@example.test" }));
    expect(await body(known)).toEqual(await body(unknown));
    await settleBackgroundWork();
    expect(await outbox(t.db, "forgot@example.test")).toHaveLength(1);
    expect(await outbox(t.db, "ghost@example.test")).toHaveLength(0);
  });

  test("resetting ends every session, the old password stops working and the link works once", async () => {
    const user = await signedIn(t.db, { email: "reset@example.test" });
    await call(forgotAction, formRequest("/forgot-password", { email: "reset@example.test" }));
    await settleBackgroundWork();
    const [mail] = await outbox(t.db, "reset@example.test");
    expect(mail.template).toBe("password_reset");
    const token = new URL(linkIn(mail.text, `${appUrl()}/reset-password`)).searchParams.get("token")!;

    const mismatch = await call(resetAction, formRequest("/reset-password", { token, password: "Nouveau-Mot-2026", passwordConfirm: "x" }));
    expect(mismatch.status).toBe(400);

    const ok = await call(resetAction, formRequest("/reset-password", { token, password: "Nouveau-Mot-2026", passwordConfirm: "Nouveau-Mot-2026" }));
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Location")).toBe("/signin?notice=reset");
    expect(await t.db.selectFrom("sessions").where("user_id", "=", user.id).selectAll().execute()).toHaveLength(0);
    expect((await signIn("reset@example.test", PASSWORD)).status).toBe(401);
    expect((await signIn("reset@example.test", "Nouveau-Mot-2026")).status).toBe(302);

    const again = await call(resetAction, formRequest("/reset-password", { token, password: "Encore-Autre-2026", passwordConfirm: "Encore-Autre-2026" }));
    expect(again.status).toBe(400);
    expect((await body(again)).formError).toBe("error.tokenInvalid");
  });

  test("changing the password checks the current one and signs out the other sessions", async () => {
    const org = await t.db.insertInto("organisations").values({ name: "Org Pw", kind: "sme", tax_id: "NIF0001", rccm: null, billing_email: "b@x.test", address: "Lomé", country: "TG" }).returning("id").executeTakeFirstOrThrow();
    const me = await signedIn(t.db, { email: "change@example.test", orgId: org.id });
    const otherBrowser = await signIn("change@example.test", PASSWORD);
    expect(otherBrowser.status).toBe(302);

    const wrong = await call(accountAction, formRequest("/app/account", { intent: "password", currentPassword: "nope", password: "Tout-Nouveau-2026", passwordConfirm: "Tout-Nouveau-2026" }, { cookie: me.cookie }));
    expect(wrong.status).toBe(400);
    expect((await body(wrong)).errors.currentPassword).toBe("error.wrongPassword");

    const res = await call(accountAction, formRequest("/app/account", { intent: "password", currentPassword: PASSWORD, password: "Tout-Nouveau-2026", passwordConfirm: "Tout-Nouveau-2026" }, { cookie: me.cookie }));
    expect(res.status).toBe(200);
    // Old sessions are gone, this browser has exactly one new session.
    const oldCookieStillWorks = await call(dashboardLoader, getRequest("/app", { cookie: me.cookie }));
    expect(oldCookieStillWorks.status).toBe(302);
    const fresh = await call(dashboardLoader, getRequest("/app", { cookie: cookieFrom(res) }));
    expect(fresh.status).toBe(200);
    expect(await t.db.selectFrom("sessions").where("user_id", "=", me.id).selectAll().execute()).toHaveLength(1);
  });
});
