import { createTestDb, type TestDb } from "../support/db";
import { body, call, cookieFrom, formRequest, getRequest } from "../support/http";
import { createOrg, linkIn, outbox, signedIn, createUser } from "../support/factories";
import { action as membersAction, loader as membersLoader } from "~/routes/app.members";
import { action as inviteAction, loader as inviteLoader } from "~/routes/invite.$token";
import { loader as dashboardLoader } from "~/routes/app._index";
import { appUrl } from "~/utils/request.server";

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  await t.cleanup();
});

const post = (cookie: string, fields: Record<string, string>) => call(membersAction, formRequest("/app/members", fields, { cookie }));
const roleOf = async (userId: string) =>
  (await t.db.selectFrom("memberships").select("role").where("user_id", "=", userId).executeTakeFirst())?.role;

test("an owner invites a new member who joins with the invited role", async () => {
  const org = await createOrg(t.db, { name: "Togo Fibre SA" });
  const owner = await signedIn(t.db, { orgId: org.id, role: "owner" });
  const res = await post(owner.cookie, { intent: "invite", email: "Nouvelle@Example.test", role: "billing" });
  expect(res.status).toBe(200);
  expect((await body(res)).notice).toEqual({ key: "members.invited", email: "nouvelle@example.test" });

  const [mail] = await outbox(t.db, "nouvelle@example.test");
  expect(mail.template).toBe("invitation");
  expect(mail.text).toContain("Togo Fibre SA");
  const link = new URL(linkIn(mail.text, `${appUrl()}/invite/`));
  const token = link.pathname.split("/").pop()!;

  const page = await call(inviteLoader, getRequest(link.pathname), { token });
  expect((await body(page)).invitation).toMatchObject({ email: "nouvelle@example.test", role: "billing", orgName: "Togo Fibre SA" });

  const bad = await call(inviteAction, formRequest(link.pathname, { name: "", password: "x", passwordConfirm: "y" }), { token });
  expect(bad.status).toBe(400);
  expect(await t.db.selectFrom("users").where("email", "=", "nouvelle@example.test").selectAll().execute()).toHaveLength(0);

  const joined = await call(inviteAction, formRequest(link.pathname, { name: "Afi Nouvelle", password: "Facture-2026-ok", passwordConfirm: "Facture-2026-ok" }), { token });
  expect(joined.status).toBe(302);
  expect(joined.headers.get("Location")).toBe("/app");
  const dashboard = await call(dashboardLoader, getRequest("/app", { cookie: cookieFrom(joined) }));
  expect((await body(dashboard)).user.role).toBe("billing");

  // The link works once.
  const reused = await call(inviteAction, formRequest(link.pathname, { name: "X", password: "Facture-2026-ok", passwordConfirm: "Facture-2026-ok" }), { token });
  expect(reused.status).toBe(409);

  const audit = await t.db.selectFrom("audit_log").select(["action", "org_id"]).orderBy("id").execute();
  expect(audit.map((a) => a.action)).toEqual(["member.invited", "member.joined"]);
  expect(audit.every((a) => a.org_id === org.id)).toBe(true);
});

test("inviting a member of one's own organisation, or twice, is refused", async () => {
  const org = await createOrg(t.db);
  const owner = await signedIn(t.db, { orgId: org.id });
  await createUser(t.db, { orgId: org.id, role: "viewer", email: "here@example.test" });
  const here = await post(owner.cookie, { intent: "invite", email: "here@example.test", role: "viewer" });
  expect(here.status).toBe(409);
  expect((await body(here)).formError).toBe("security.alreadyMemberHere");

  expect((await post(owner.cookie, { intent: "invite", email: "twice@example.test", role: "viewer" })).status).toBe(200);
  const twice = await post(owner.cookie, { intent: "invite", email: "twice@example.test", role: "viewer" });
  expect((await body(twice)).formError).toBe("error.invitationPending");
  expect(await outbox(t.db, "twice@example.test")).toHaveLength(1);
});

test("inviting a member of another organisation answers exactly as for an unknown address", async () => {
  const org = await createOrg(t.db);
  const other = await createOrg(t.db, { name: "Concurrent Secret SARL" });
  const owner = await signedIn(t.db, { orgId: org.id });
  await createUser(t.db, { orgId: other.id, role: "viewer", email: "busy@example.test" });
  const busy = await post(owner.cookie, { intent: "invite", email: "busy@example.test", role: "viewer" });
  const unknown = await post(owner.cookie, { intent: "invite", email: "nobody@example.test", role: "viewer" });
  expect(busy.status).toBe(unknown.status);
  expect(busy.status).toBe(200);
  const strip = (b: { notice?: { email?: string } }) => ({ ...b, notice: { ...b.notice, email: "…" } });
  expect(strip(await body(busy))).toEqual(strip(await body(unknown)));
  // Both are listed as open invitations, and nothing about the other organisation shows.
  const page = JSON.stringify(await body(await call(membersLoader, getRequest("/app/members", { cookie: owner.cookie }))));
  expect(page).toContain("busy@example.test");
  expect(page).not.toContain("Concurrent Secret");
  // The invitee learns it when opening the link, signed in as themselves.
  expect(await outbox(t.db, "busy@example.test")).toHaveLength(1);
});

test("invalid invitation input is a field error and sends nothing", async () => {
  const org = await createOrg(t.db);
  const owner = await signedIn(t.db, { orgId: org.id });
  const res = await post(owner.cookie, { intent: "invite", email: "pas-une-adresse", role: "superuser" });
  expect(res.status).toBe(400);
  expect((await body(res)).errors).toEqual({ email: "error.email", role: "error.invalidChoice" });
  expect(await t.db.selectFrom("invitations").selectAll().execute()).toHaveLength(0);
});

test("roles that cannot manage members get 403 and change nothing", async () => {
  const org = await createOrg(t.db);
  for (const role of ["billing", "technical", "viewer"] as const) {
    const user = await signedIn(t.db, { orgId: org.id, role });
    const res = await post(user.cookie, { intent: "invite", email: `x-${role}@example.test`, role: "viewer" });
    expect(res.status).toBe(403);
  }
  expect(await t.db.selectFrom("invitations").selectAll().execute()).toHaveLength(0);
});

test("an admin can manage members but neither grant nor touch the owner role", async () => {
  const org = await createOrg(t.db);
  const owner = await createUser(t.db, { orgId: org.id, role: "owner" });
  const admin = await signedIn(t.db, { orgId: org.id, role: "admin" });
  const viewer = await createUser(t.db, { orgId: org.id, role: "viewer" });

  expect((await post(admin.cookie, { intent: "role", userId: viewer.id, role: "technical" })).status).toBe(200);
  expect(await roleOf(viewer.id)).toBe("technical");
  expect((await post(admin.cookie, { intent: "role", userId: viewer.id, role: "owner" })).status).toBe(409);
  expect((await post(admin.cookie, { intent: "remove", userId: owner.id })).status).toBe(409);
  expect((await post(admin.cookie, { intent: "invite", email: "boss@example.test", role: "owner" })).status).toBe(403);
  expect(await roleOf(owner.id)).toBe("owner");
});

test("the last owner can be neither demoted nor removed", async () => {
  const org = await createOrg(t.db);
  const owner = await signedIn(t.db, { orgId: org.id, role: "owner" });
  const second = await createUser(t.db, { orgId: org.id, role: "owner" });
  expect((await post(owner.cookie, { intent: "role", userId: second.id, role: "admin" })).status).toBe(200);
  // `owner` is now the only owner; a second owner session cannot remove them.
  const demoted = await signedIn(t.db, { orgId: org.id, role: "admin" });
  const res = await post(demoted.cookie, { intent: "remove", userId: owner.id });
  expect(res.status).toBe(409);
  const selfDemote = await call(
    membersAction,
    formRequest("/app/members", { intent: "role", userId: owner.id, role: "admin" }, { cookie: owner.cookie }),
  );
  expect((await body(selfDemote)).formError).toBe("error.lastOwner");
  expect(await roleOf(owner.id)).toBe("owner");
});

test("a removed member loses access at once", async () => {
  const org = await createOrg(t.db);
  const owner = await signedIn(t.db, { orgId: org.id, role: "owner" });
  const tech = await signedIn(t.db, { orgId: org.id, role: "technical" });
  expect((await call(dashboardLoader, getRequest("/app", { cookie: tech.cookie }))).status).toBe(200);
  expect((await post(owner.cookie, { intent: "remove", userId: tech.id })).status).toBe(200);
  const after = await call(dashboardLoader, getRequest("/app", { cookie: tech.cookie }));
  expect(after.status).toBe(302);
  expect(after.headers.get("Location")).toMatch(/^\/signin/);
});

test("another organisation's members and invitations are out of reach (404, nothing changed)", async () => {
  const mine = await createOrg(t.db);
  const theirs = await createOrg(t.db);
  const owner = await signedIn(t.db, { orgId: mine.id, role: "owner" });
  const victim = await createUser(t.db, { orgId: theirs.id, role: "admin" });
  const theirOwner = await signedIn(t.db, { orgId: theirs.id, role: "owner" });
  await post(theirOwner.cookie, { intent: "invite", email: "their-invitee@example.test", role: "viewer" });
  const invitation = await t.db.selectFrom("invitations").select("id").executeTakeFirstOrThrow();

  expect((await post(owner.cookie, { intent: "role", userId: victim.id, role: "viewer" })).status).toBe(404);
  expect((await post(owner.cookie, { intent: "remove", userId: victim.id })).status).toBe(404);
  expect((await post(owner.cookie, { intent: "revoke", invitationId: invitation.id })).status).toBe(404);
  expect((await post(owner.cookie, { intent: "remove", userId: "not-a-uuid" })).status).toBe(404);
  expect(await roleOf(victim.id)).toBe("admin");
  expect(await t.db.selectFrom("invitations").select("revoked_at").where("id", "=", invitation.id).executeTakeFirstOrThrow()).toEqual({ revoked_at: null });

  const list = await body(await call(membersLoader, getRequest("/app/members", { cookie: owner.cookie })));
  expect(list.members.map((m: { id: string }) => m.id)).toEqual([owner.id]);
});

test("signed-out visitors are sent to sign in", async () => {
  const res = await call(membersLoader, getRequest("/app/members"));
  expect(res.status).toBe(302);
  expect(res.headers.get("Location")).toBe("/signin?redirectTo=%2Fapp%2Fmembers");
});
