import type { Executor, Trx } from "#db/types";
import type { TenantRole } from "#db/schema";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { canAssignRole } from "~/modules/auth/permissions";
import { hashPassword } from "~/modules/auth/password.server";
import { newToken, sha256 } from "~/modules/auth/tokens.server";
import { isUniqueViolation, withSavepoint } from "~/utils/db.server";
import { isUuid } from "./organisations.server";

const INVITATION_TTL = 7 * 24 * 3600_000;

export async function listMembers(db: Executor, orgId: string) {
  return db
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select(["u.id", "u.name", "u.email", "m.role", "m.created_at", "u.email_verified_at"])
    .where("m.org_id", "=", orgId)
    .orderBy("m.created_at")
    .execute();
}

export async function listOpenInvitations(db: Executor, orgId: string) {
  return db
    .selectFrom("invitations")
    .select(["id", "email", "role", "expires_at", "created_at"])
    .where("org_id", "=", orgId)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", new Date())
    .orderBy("created_at", "desc")
    .execute();
}

type InviteError = "already_member" | "invitation_pending" | "not_allowed";

/**
 * Invite someone by e-mail. The answer says nothing about other organisations: a person who
 * belongs to another one is invited exactly like an unknown address (the invitation tells them
 * when they open it). The open-invitation unique index decides between concurrent identical
 * invitations (`invitation_pending` for the losers); run it with `inTransactionOrRollback`.
 */
export async function inviteMember(
  trx: Trx,
  input: { orgId: string; actor: Actor & { role: TenantRole; name: string }; email: string; role: TenantRole; baseUrl: string },
): Promise<{ ok: true; invitationId: string } | { ok: false; error: InviteError }> {
  if (!canAssignRole(input.actor.role, input.role)) return { ok: false, error: "not_allowed" };
  const existing = await trx
    .selectFrom("users as u")
    .innerJoin("memberships as m", "m.user_id", "u.id")
    .select("m.org_id")
    .where("u.email", "=", input.email)
    .where("m.org_id", "=", input.orgId)
    .executeTakeFirst();
  if (existing) return { ok: false, error: "already_member" };
  // An expired invitation no longer blocks a new one.
  await trx
    .updateTable("invitations")
    .set({ revoked_at: new Date() })
    .where("org_id", "=", input.orgId)
    .where("email", "=", input.email)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", "<=", new Date())
    .execute();
  const org = await trx.selectFrom("organisations").select("name").where("id", "=", input.orgId).executeTakeFirstOrThrow();
  const invitee = await trx.selectFrom("users").select("locale").where("email", "=", input.email).executeTakeFirst();
  const inviter = await trx.selectFrom("users").select("locale").where("id", "=", input.actor.id).executeTakeFirstOrThrow();
  const { token, hash } = newToken();
  let invitation: { id: string };
  try {
    invitation = await withSavepoint(trx, () =>
      trx
        .insertInto("invitations")
        .values({
          org_id: input.orgId,
          email: input.email,
          role: input.role,
          token_hash: hash,
          invited_by: input.actor.id,
          expires_at: new Date(Date.now() + INVITATION_TTL),
        })
        .returning("id")
        .executeTakeFirstOrThrow(),
    );
  } catch (error) {
    if (isUniqueViolation(error, "invitations_open_key")) return { ok: false, error: "invitation_pending" };
    throw error;
  }
  await enqueueEmail(trx, {
    to: input.email,
    locale: invitee?.locale ?? inviter.locale,
    message: {
      template: "invitation",
      props: { orgName: org.name, inviterName: input.actor.name, role: input.role, url: `${input.baseUrl}/invite/${token}` },
    },
  });
  await recordAudit(trx, {
    actor: input.actor,
    action: "member.invited",
    entityType: "invitation",
    entityId: invitation.id,
    orgId: input.orgId,
    after: { email: input.email, role: input.role },
  });
  return { ok: true, invitationId: invitation.id };
}

export async function revokeInvitation(trx: Trx, input: { orgId: string; invitationId: string; actor: Actor }) {
  if (!isUuid(input.invitationId)) return false;
  const row = await trx
    .updateTable("invitations")
    .set({ revoked_at: new Date() })
    .where("id", "=", input.invitationId)
    .where("org_id", "=", input.orgId)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .returning(["id", "email"])
    .executeTakeFirst();
  if (!row) return false;
  await recordAudit(trx, { actor: input.actor, action: "member.invitation_revoked", entityType: "invitation", entityId: row.id, orgId: input.orgId, before: { email: row.email } });
  return true;
}

/** An open invitation, looked up by the token of its link. */
export async function findInvitation(db: Executor, token: string) {
  return db
    .selectFrom("invitations as i")
    .innerJoin("organisations as o", "o.id", "i.org_id")
    .leftJoin("users as inviter", "inviter.id", "i.invited_by")
    .select(["i.id", "i.org_id", "i.email", "i.role", "o.name as org_name", "inviter.name as inviter_name"])
    .where("i.token_hash", "=", sha256(token))
    .where("i.accepted_at", "is", null)
    .where("i.revoked_at", "is", null)
    .where("i.expires_at", ">", new Date())
    .executeTakeFirst();
}

/**
 * Accept an invitation: creates the user (the link proves the address) or, for a signed-in user
 * whose e-mail matches and who belongs to no organisation, adds the membership.
 */
export async function acceptInvitation(
  trx: Trx,
  input: { token: string } & ({ newUser: { name: string; password: string; locale: "fr" | "en" } } | { userId: string }),
): Promise<{ ok: true; userId: string } | { ok: false; error: "invalid" | "email_taken" | "already_member" | "wrong_account" }> {
  const invitation = await trx
    .selectFrom("invitations")
    .selectAll()
    .where("token_hash", "=", sha256(input.token))
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", new Date())
    .forUpdate()
    .executeTakeFirst();
  if (!invitation) return { ok: false, error: "invalid" };

  let userId: string;
  if ("newUser" in input) {
    const taken = await trx.selectFrom("users").select("id").where("email", "=", invitation.email).executeTakeFirst();
    if (taken) return { ok: false, error: "email_taken" };
    const passwordHash = await hashPassword(input.newUser.password);
    try {
      // A sign-up for the same address may commit meanwhile: the unique index decides.
      const user = await withSavepoint(trx, () =>
        trx
          .insertInto("users")
          .values({
            email: invitation.email,
            name: input.newUser.name,
            password_hash: passwordHash,
            locale: input.newUser.locale,
            operator_role: null,
            email_verified_at: new Date(),
          })
          .returning("id")
          .executeTakeFirstOrThrow(),
      );
      userId = user.id;
    } catch (error) {
      if (isUniqueViolation(error, "users_email_key")) return { ok: false, error: "email_taken" };
      throw error;
    }
  } else {
    const user = await trx.selectFrom("users").select(["id", "email", "operator_role"]).where("id", "=", input.userId).executeTakeFirstOrThrow();
    if (user.email !== invitation.email || user.operator_role) return { ok: false, error: "wrong_account" };
    const member = await trx.selectFrom("memberships").select("org_id").where("user_id", "=", user.id).executeTakeFirst();
    if (member) return { ok: false, error: "already_member" };
    userId = user.id;
  }
  try {
    // One organisation per person: the unique membership decides between two invitations accepted at once.
    await withSavepoint(trx, () => trx.insertInto("memberships").values({ org_id: invitation.org_id, user_id: userId, role: invitation.role }).execute());
  } catch (error) {
    if (isUniqueViolation(error, "memberships_user_id_key")) return { ok: false, error: "already_member" };
    throw error;
  }
  await trx.updateTable("invitations").set({ accepted_at: new Date() }).where("id", "=", invitation.id).execute();
  await recordAudit(trx, {
    actor: { id: userId, email: invitation.email },
    action: "member.joined",
    entityType: "membership",
    entityId: userId,
    orgId: invitation.org_id,
    after: { role: invitation.role },
  });
  return { ok: true, userId };
}

type MemberChangeError = "not_found" | "not_allowed" | "last_owner";

async function lockedMember(trx: Trx, orgId: string, userId: string) {
  if (!isUuid(userId)) return undefined;
  // Lock the organisation's memberships so two concurrent changes cannot both remove the last owner.
  const rows = await trx.selectFrom("memberships").select(["user_id", "role"]).where("org_id", "=", orgId).forUpdate().execute();
  return { target: rows.find((r) => r.user_id === userId), owners: rows.filter((r) => r.role === "owner").length };
}

export async function changeMemberRole(
  trx: Trx,
  input: { orgId: string; actor: Actor & { role: TenantRole }; userId: string; role: TenantRole },
): Promise<{ ok: true } | { ok: false; error: MemberChangeError }> {
  const found = await lockedMember(trx, input.orgId, input.userId);
  if (!found?.target) return { ok: false, error: "not_found" };
  const { target, owners } = found;
  if (!canAssignRole(input.actor.role, target.role) || !canAssignRole(input.actor.role, input.role)) return { ok: false, error: "not_allowed" };
  if (target.role === "owner" && input.role !== "owner" && owners <= 1) return { ok: false, error: "last_owner" };
  if (target.role === input.role) return { ok: true };
  await trx.updateTable("memberships").set({ role: input.role }).where("org_id", "=", input.orgId).where("user_id", "=", input.userId).execute();
  await recordAudit(trx, {
    actor: input.actor,
    action: "member.role_changed",
    entityType: "membership",
    entityId: input.userId,
    orgId: input.orgId,
    before: { role: target.role },
    after: { role: input.role },
  });
  return { ok: true };
}

export async function removeMember(
  trx: Trx,
  input: { orgId: string; actor: Actor & { role: TenantRole }; userId: string },
): Promise<{ ok: true } | { ok: false; error: MemberChangeError }> {
  const found = await lockedMember(trx, input.orgId, input.userId);
  if (!found?.target) return { ok: false, error: "not_found" };
  const { target, owners } = found;
  if (!canAssignRole(input.actor.role, target.role)) return { ok: false, error: "not_allowed" };
  if (target.role === "owner" && owners <= 1) return { ok: false, error: "last_owner" };
  await trx.deleteFrom("memberships").where("org_id", "=", input.orgId).where("user_id", "=", input.userId).execute();
  // A removed member loses access at once.
  await trx.deleteFrom("sessions").where("user_id", "=", input.userId).execute();
  await recordAudit(trx, {
    actor: input.actor,
    action: "member.removed",
    entityType: "membership",
    entityId: input.userId,
    orgId: input.orgId,
    before: { role: target.role },
  });
  return { ok: true };
}
