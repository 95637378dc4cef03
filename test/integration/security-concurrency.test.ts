import { createTestDb, usingPostgres, type TestDb } from "../support/db";
import { body, call, formRequest } from "../support/http";
import { PASSWORD, count, createOrg, createUser, signedIn } from "../support/factories";
import { action as signInAction } from "~/routes/signin";
import { action as signUpAction } from "~/routes/signup";
import { action as membersAction } from "~/routes/app.members";
import { LIMITS } from "~/modules/auth/rate-limits.server";

/**
 * Real concurrency needs real connections: this file runs against PostgreSQL (`npm run test:pg`,
 * part of CI). On the embedded single-connection PGlite, requests cannot overlap at all.
 */
describe.runIf(usingPostgres())("concurrent duplicates and guesses on PostgreSQL", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  test("30 parallel wrong passwords check exactly the limit; the others are refused unchecked", async () => {
    await createUser(t.db, { email: "target@example.test" });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => call(signInAction, formRequest("/signin", { email: "target@example.test", password: `guess-${i}` }), {}, "203.0.113.5")),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(LIMITS.signInPair.max);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - LIMITS.signInPair.max);
    // The owner, from elsewhere, is not locked out.
    expect((await call(signInAction, formRequest("/signin", { email: "target@example.test", password: PASSWORD }), {}, "198.51.100.9")).status).toBe(302);
  });

  const signUpFields = {
    orgName: "Doublon SARL",
    orgKind: "sme",
    taxId: "1000999999",
    rccm: "",
    billingEmail: "compta@doublon.example.test",
    address: "1 avenue de la Paix, Lomé",
    country: "TG",
    name: "Kodjo Doublon",
    email: "kodjo@doublon.example.test",
    password: "Bien-Long-Mot-2026",
    passwordConfirm: "Bien-Long-Mot-2026",
  };

  test("20 identical sign-ups at once: one account, the others a 409 on the e-mail, nothing half-written", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(signUpAction, formRequest("/signup", signUpFields), {}, `198.51.100.${100 + i}`)),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const res of results.filter((r) => r.status === 409)) expect((await body(res)).errors.email).toBe("error.emailTaken");
    expect(await count(t.db, "users")).toBe(1);
    expect(await count(t.db, "organisations")).toBe(1);
    expect(await count(t.db, "memberships")).toBe(1);
    expect(await count(t.db, "email_outbox")).toBe(1);
    expect(await count(t.db, "audit_log")).toBe(1);
  });

  test("20 identical invitations at once: one invitation and one e-mail, the others a 409", async () => {
    const org = await createOrg(t.db);
    const owner = await signedIn(t.db, { orgId: org.id });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(membersAction, formRequest("/app/members", { intent: "invite", email: "nouvelle@example.test", role: "viewer" }, { cookie: owner.cookie })),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const res of results.filter((r) => r.status === 409)) expect((await body(res)).formError).toBe("error.invitationPending");
    expect(await count(t.db, "invitations")).toBe(1);
    expect(await count(t.db, "email_outbox")).toBe(1);
    expect(await count(t.db, "audit_log")).toBe(1);
  });
});
