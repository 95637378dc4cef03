import { createTestDb, type TestDb } from "../support/db";
import { body, call, formRequest, getRequest } from "../support/http";
import { createOrg, signedIn } from "../support/factories";
import { loader as opsLoader } from "~/routes/ops";
import { loader as orgsLoader } from "~/routes/ops.organisations._index";
import { action as orgAction, loader as orgLoader } from "~/routes/ops.organisations.$orgId";
import { loader as auditLoader } from "~/routes/ops.audit";
import { loader as outboxMessageLoader } from "~/routes/ops.outbox.$messageId";
import { loader as healthLoader } from "~/routes/healthz";

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  await t.cleanup();
});

test("tenants cannot see the operator area (404)", async () => {
  const org = await createOrg(t.db);
  const owner = await signedIn(t.db, { orgId: org.id, role: "owner" });
  expect((await call(opsLoader, getRequest("/ops", { cookie: owner.cookie }))).status).toBe(404);
  expect((await call(orgsLoader, getRequest("/ops/organisations", { cookie: owner.cookie }))).status).toBe(404);
});

test("an operator verifies a pending organisation; the audit log records who, what, before and after", async () => {
  const org = await createOrg(t.db, { status: "pending", name: "Mono Telecom" });
  const admin = await signedIn(t.db, { operatorRole: "ops_admin", email: "admin@ops.example.test" });
  const res = await call(orgAction, formRequest(`/ops/organisations/${org.id}`, { transition: "verify" }, { cookie: admin.cookie }), { orgId: org.id }, "10.1.2.3");
  expect(res.status).toBe(200);
  expect((await body(res)).notice).toBe("ops.orgs.verified");
  const after = await t.db.selectFrom("organisations").select("status").where("id", "=", org.id).executeTakeFirstOrThrow();
  expect(after.status).toBe("verified");

  const log = await body(await call(auditLoader, getRequest("/ops/audit", { cookie: admin.cookie })));
  expect(log.rows).toHaveLength(1);
  expect(log.rows[0]).toMatchObject({
    actor_email: "admin@ops.example.test",
    actor_user_id: admin.id,
    action: "org.verify",
    entity_type: "organisation",
    entity_id: org.id,
    ip: "10.1.2.3",
    before: { status: "pending" },
    after: { status: "verified" },
  });

  // Verifying twice is a clear conflict, not a second entry.
  const again = await call(orgAction, formRequest(`/ops/organisations/${org.id}`, { transition: "verify" }, { cookie: admin.cookie }), { orgId: org.id });
  expect(again.status).toBe(409);
  expect(await t.db.selectFrom("audit_log").selectAll().execute()).toHaveLength(1);
});

test("suspend and reinstate, with a reason kept in the audit log", async () => {
  const org = await createOrg(t.db, { status: "verified" });
  const finance = await signedIn(t.db, { operatorRole: "ops_finance" });
  const suspend = await call(orgAction, formRequest(`/ops/organisations/${org.id}`, { transition: "suspend", reason: "Impayés depuis 90 jours" }, { cookie: finance.cookie }), { orgId: org.id });
  expect((await body(suspend)).notice).toBe("ops.orgs.suspended");
  const reinstate = await call(orgAction, formRequest(`/ops/organisations/${org.id}`, { transition: "reinstate" }, { cookie: finance.cookie }), { orgId: org.id });
  expect(reinstate.status).toBe(200);
  const entries = await t.db.selectFrom("audit_log").select(["action", "after"]).orderBy("id").execute();
  expect(entries).toEqual([
    { action: "org.suspend", after: { status: "suspended", reason: "Impayés depuis 90 jours" } },
    { action: "org.reinstate", after: { status: "verified" } },
  ]);
});

test("the NOC can read organisations but not verify them, nor read the audit log", async () => {
  const org = await createOrg(t.db, { status: "pending" });
  const noc = await signedIn(t.db, { operatorRole: "ops_noc" });
  expect((await call(orgLoader, getRequest(`/ops/organisations/${org.id}`, { cookie: noc.cookie }), { orgId: org.id })).status).toBe(200);
  const res = await call(orgAction, formRequest(`/ops/organisations/${org.id}`, { transition: "verify" }, { cookie: noc.cookie }), { orgId: org.id });
  expect(res.status).toBe(403);
  expect((await t.db.selectFrom("organisations").select("status").executeTakeFirstOrThrow()).status).toBe("pending");
  expect((await call(auditLoader, getRequest("/ops/audit", { cookie: noc.cookie }))).status).toBe(403);
});

test("malformed ids and bad input are 404 / 400, never a 500", async () => {
  const admin = await signedIn(t.db, { operatorRole: "ops_admin" });
  for (const id of ["nope", "00000000-0000-0000-0000-000000000000", "'; drop table organisations; --"]) {
    expect((await call(orgLoader, getRequest(`/ops/organisations/x`, { cookie: admin.cookie }), { orgId: id })).status).toBe(404);
    expect((await call(outboxMessageLoader, getRequest(`/ops/outbox/x`, { cookie: admin.cookie }), { messageId: id })).status).toBe(404);
  }
  const org = await createOrg(t.db, { status: "pending" });
  const bad = await call(orgAction, formRequest(`/ops/organisations/${org.id}`, { transition: "delete" }, { cookie: admin.cookie }), { orgId: org.id });
  expect(bad.status).toBe(400);
  const status = await call(orgsLoader, getRequest("/ops/organisations?status=bogus", { cookie: admin.cookie }));
  expect(status.status).toBe(200);
});

test("healthz answers ok when the database is reachable", async () => {
  const res = await call(healthLoader, getRequest("/healthz"));
  expect(res.status).toBe(200);
  expect(await body(res)).toEqual({ status: "ok" });
});

test("healthz answers 503 when the database cannot be reached", async () => {
  const { pgKysely, setDb } = await import("#db/client.server");
  // A PostgreSQL URL where nothing listens.
  const unreachable = pgKysely("postgres://nobody@127.0.0.1:9/none", 1);
  setDb(unreachable);
  try {
    const res = await call(healthLoader, getRequest("/healthz"));
    expect(res.status).toBe(503);
    expect(await body(res)).toEqual({ status: "unavailable" });
  } finally {
    await unreachable.destroy();
    setDb(t.db);
  }
});
