import type { RequestableKind } from "#db/schema";
import { createTestDb, type TestDb } from "../support/db";
import { BASE, body, call, formRequest, getRequest } from "../support/http";
import { createOrg, createRequestRow, createUser, signedIn, siteWithRacks } from "../support/factories";
import { action as orgAction } from "~/routes/ops.organisations.$orgId";
import { action as serviceAction } from "~/routes/app.services.$contractId";
import { action as contractAction } from "~/routes/ops.contracts.$contractId";
import { action as tenantRequestAction } from "~/routes/app.requests.$requestId";
import { action as opsRequestAction, loader as opsRequestLoader } from "~/routes/ops.requests.$requestId";

/**
 * Issue 7 §6, e-mails: each change queues its message, in the same transaction, to exactly the
 * people it concerns, each in their own language — through the real actions.
 */
let t: TestDb;
let org: { id: string; name: string };
let people: {
  owner: Awaited<ReturnType<typeof signedIn>>;
  admin: Awaited<ReturnType<typeof signedIn>>;
  technical: Awaited<ReturnType<typeof signedIn>>;
  opsAdmin: Awaited<ReturnType<typeof signedIn>>;
  noc: Awaited<ReturnType<typeof signedIn>>;
  finance: Awaited<ReturnType<typeof signedIn>>;
};
let ldc: Awaited<ReturnType<typeof siteWithRacks>>;

beforeEach(async () => {
  t = await createTestDb({ reference: true });
  org = await createOrg(t.db, { name: "Kara Hosting", status: "pending" });
  const other = await createOrg(t.db, { name: "Other SARL" });
  people = {
    owner: await signedIn(t.db, { orgId: org.id, role: "owner", email: "owner@kara.test", locale: "fr" }),
    admin: await signedIn(t.db, { orgId: org.id, role: "admin", email: "admin@kara.test", locale: "en" }),
    technical: await signedIn(t.db, { orgId: org.id, role: "technical", email: "tech@kara.test", locale: "en" }),
    opsAdmin: await signedIn(t.db, { operatorRole: "ops_admin", email: "admin@dc.test", locale: "en" }),
    noc: await signedIn(t.db, { operatorRole: "ops_noc", email: "noc@dc.test", locale: "fr" }),
    finance: await signedIn(t.db, { operatorRole: "ops_finance", email: "finance@dc.test", locale: "fr" }),
  };
  // Who must hear nothing: the organisation's billing and viewer members, another organisation's owner.
  await createUser(t.db, { orgId: org.id, role: "billing", email: "billing@kara.test" });
  await createUser(t.db, { orgId: org.id, role: "viewer", email: "viewer@kara.test" });
  await createUser(t.db, { orgId: other.id, role: "owner", email: "owner@other.test" });
  ldc = await siteWithRacks(t.db, "LDC");
});
afterEach(async () => {
  await t.cleanup();
});

/** The outbox as (template, address, locale), sorted by address, with the texts for checks. */
async function mails(template?: string) {
  let q = t.db.selectFrom("email_outbox").select(["template", "to_address", "locale", "subject", "text"]).orderBy("to_address");
  if (template) q = q.where("template", "=", template);
  return q.execute();
}
const who = (rows: { to_address: string; locale: string }[]) => rows.map((r) => `${r.to_address} ${r.locale}`);

const inWeeks = (weeks: number) => new Date(Date.now() + weeks * 7 * 86_400_000).toISOString().slice(0, 10);

async function contract() {
  const row = await t.db
    .insertInto("contracts")
    .values({ org_id: org.id, site_id: ldc.site.id, request_id: null, start_on: "2026-01-01", end_on: null, term_months: 12 })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

test("verifying and suspending an organisation tell its owners and admins, each in their language", async () => {
  const verify = await call(orgAction, formRequest(`/ops/organisations/${org.id}`, { transition: "verify" }, { cookie: people.opsAdmin.cookie }), { orgId: org.id });
  expect(verify.status).toBe(200);
  const verified = await mails();
  expect(verified.map((m) => m.template)).toEqual(["org_verified", "org_verified"]);
  expect(who(verified)).toEqual(["admin@kara.test en", "owner@kara.test fr"]);
  expect(verified[0].subject).toBe("Your organisation Kara Hosting is verified");
  expect(verified[1].subject).toBe("Votre organisation Kara Hosting est vérifiée");
  expect(verified[1].text).toContain("/app/requests/new");

  const suspend = await call(
    orgAction,
    formRequest(`/ops/organisations/${org.id}`, { transition: "suspend", reason: "RCCM expiré" }, { cookie: people.opsAdmin.cookie }),
    { orgId: org.id },
  );
  expect(suspend.status).toBe(200);
  const suspended = await mails("org_suspended");
  expect(who(suspended)).toEqual(["admin@kara.test en", "owner@kara.test fr"]);
  expect(suspended[1].text).toContain("RCCM expiré");

  // A refused transition writes nothing, e-mails included.
  const again = await call(orgAction, formRequest(`/ops/organisations/${org.id}`, { transition: "suspend" }, { cookie: people.opsAdmin.cookie }), { orgId: org.id });
  expect(again.status).toBe(409);
  expect(await mails()).toHaveLength(4);
});

test("a termination request goes to the operators who can apply it; the applied termination to the tenant's owners and admins", async () => {
  await t.db.updateTable("organisations").set({ status: "verified" }).where("id", "=", org.id).execute();
  const contractId = await contract();
  const endOn = inWeeks(8);
  const asked = await call(
    serviceAction,
    formRequest(`/app/services/${contractId}`, { endOn, details: "Nous regroupons nos serveurs." }, { cookie: people.admin.cookie }),
    { contractId },
  );
  expect(asked.status).toBe(200);
  const requested = await mails();
  expect(requested.map((m) => m.template)).toEqual(["termination_requested", "termination_requested"]);
  // Every ops_admin and ops_noc (the `requests:approve` roles), not ops_finance, not the tenant.
  expect(who(requested)).toEqual(["admin@dc.test en", "noc@dc.test fr"]);
  expect(requested[0].subject).toBe(`Termination request – contract ${contractId.slice(0, 8).toUpperCase()} of Kara Hosting`);
  expect(requested[0].text).toContain(`/ops/contracts/${contractId}`);
  expect(requested[1].text).toContain("Nous regroupons nos serveurs.");

  const change = await t.db.selectFrom("contract_changes").select("id").where("contract_id", "=", contractId).executeTakeFirstOrThrow();
  const applied = await call(
    contractAction,
    formRequest(`/ops/contracts/${contractId}`, { intent: "apply", changeId: change.id, endOn, details: "" }, { cookie: people.noc.cookie }),
    { contractId },
  );
  expect(applied.status).toBe(302);
  const confirmations = await mails("termination_applied");
  expect(who(confirmations)).toEqual(["admin@kara.test en", "owner@kara.test fr"]);
  expect(confirmations[1].subject).toBe(`Résiliation du contrat ${contractId.slice(0, 8).toUpperCase()} confirmée – ${ldc.site.name}`);
  expect(confirmations[0].text).toContain(`/app/services/${contractId}`);
});

const STANDARD: { kind: RequestableKind; quantity: number }[] = [
  { kind: "rack_unit", quantity: 4 },
  { kind: "power_commit_kw", quantity: 1 },
];

test("a cancelled request tells the owners, admins and its author (tenant link) and the operators of the queue (operator link)", async () => {
  await t.db.updateTable("organisations").set({ status: "verified" }).where("id", "=", org.id).execute();
  const requestId = await createRequestRow(t.db, { orgId: org.id, siteId: ldc.site.id, createdBy: people.technical.id, lines: STANDARD });
  const res = await call(tenantRequestAction, formRequest(`/app/requests/${requestId}`, { intent: "cancel" }, { cookie: people.technical.cookie }), { requestId });
  expect(res.status).toBe(302);
  const cancelled = await mails();
  expect(cancelled.every((m) => m.template === "request_cancelled")).toBe(true);
  expect(who(cancelled)).toEqual(["admin@dc.test en", "admin@kara.test en", "noc@dc.test fr", "owner@kara.test fr", "tech@kara.test en"]);
  const link = (to: string) => cancelled.find((m) => m.to_address === to)!.text;
  expect(link("owner@kara.test")).toContain(`/app/requests/${requestId}`);
  expect(link("noc@dc.test")).toContain(`/ops/requests/${requestId}`);
  expect(link("noc@dc.test")).not.toContain(`/app/requests/`);
  expect(link("owner@kara.test")).toContain(`${people.technical.name} a annulé la demande`);
});

describe("approvals and rejections go to the owners and admins as well as the author", () => {
  beforeEach(async () => {
    await t.db.updateTable("organisations").set({ status: "verified" }).where("id", "=", org.id).execute();
  });

  test("approved", async () => {
    const requestId = await createRequestRow(t.db, { orgId: org.id, siteId: ldc.site.id, createdBy: people.technical.id, lines: STANDARD });
    const page = await body(await call(opsRequestLoader, getRequest(`/ops/requests/${requestId}`, { cookie: people.noc.cookie }), { requestId }));
    const { startOn, placements } = page.approval.defaults;
    const pairs: [string, string][] = [
      ["intent", "approve"],
      ["startOn", startOn],
      ...placements.flatMap((p: Record<string, string>, i: number) => Object.entries(p).map(([k, v]) => [`placements.${i}.${k}`, v] as [string, string])),
    ];
    const req = new Request(`${BASE}/ops/requests/${requestId}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, Cookie: people.noc.cookie },
      body: new URLSearchParams(pairs).toString(),
    });
    expect((await call(opsRequestAction, req, { requestId })).status).toBe(302);
    const approved = await mails();
    expect(approved.every((m) => m.template === "request_approved")).toBe(true);
    expect(who(approved)).toEqual(["admin@kara.test en", "owner@kara.test fr", "tech@kara.test en"]);
    // Each in their language, down to the resources' labels.
    expect(approved[0].text).toContain("The following resources have been assigned to you");
    expect(approved[1].text).toContain("Les ressources suivantes vous sont attribuées");
  });

  test("rejected; a former member who wrote the request hears nothing more", async () => {
    const requestId = await createRequestRow(t.db, { orgId: org.id, siteId: ldc.site.id, createdBy: people.technical.id, lines: STANDARD });
    await t.db.deleteFrom("memberships").where("user_id", "=", people.technical.id).execute();
    const res = await call(
      opsRequestAction,
      formRequest(`/ops/requests/${requestId}`, { intent: "reject", reason: "Salle 1 en travaux" }, { cookie: people.noc.cookie }),
      { requestId },
    );
    expect(res.status).toBe(302);
    const rejected = await mails();
    expect(rejected.every((m) => m.template === "request_rejected")).toBe(true);
    expect(who(rejected)).toEqual(["admin@kara.test en", "owner@kara.test fr"]);
    expect(rejected[1].text).toContain("Salle 1 en travaux");
  });
});
