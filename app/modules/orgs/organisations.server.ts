import type { Executor, Trx } from "#db/types";
import type { OrgStatus } from "#db/schema";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { linkBase, orgManagers } from "~/modules/email/recipients.server";

import { isUuid } from "~/utils/ids";

export { isUuid };

export async function getOrganisation(db: Executor, orgId: string) {
  if (!isUuid(orgId)) return undefined;
  return db.selectFrom("organisations").selectAll().where("id", "=", orgId).executeTakeFirst();
}

export async function countMembers(db: Executor, orgId: string) {
  const row = await db
    .selectFrom("memberships")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("org_id", "=", orgId)
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function listOrganisations(db: Executor, opts: { status?: OrgStatus }) {
  let query = db
    .selectFrom("organisations as o")
    .select([
      "o.id",
      "o.name",
      "o.kind",
      "o.status",
      "o.country",
      "o.tax_id",
      "o.created_at",
      (eb) => eb.selectFrom("memberships as m").whereRef("m.org_id", "=", "o.id").select(eb.fn.countAll<number>().as("n")).as("members"),
    ])
    .orderBy("o.created_at", "desc");
  if (opts.status) query = query.where("o.status", "=", opts.status);
  return query.execute();
}

const transitions: Record<"verify" | "suspend" | "reinstate", { from: OrgStatus[]; to: OrgStatus }> = {
  verify: { from: ["pending"], to: "verified" },
  suspend: { from: ["pending", "verified"], to: "suspended" },
  reinstate: { from: ["suspended"], to: "verified" },
};
export type OrgTransition = keyof typeof transitions;

/**
 * Verify, suspend or reinstate an organisation (operator action, audited). Its owners and admins
 * are told, each in their language: verified (or reinstated) — they may now make requests —, or
 * suspended, with the reason when one was given.
 */
export async function changeOrganisationStatus(
  trx: Trx,
  input: { orgId: string; transition: OrgTransition; actor: Actor; reason?: string; baseUrl?: string },
): Promise<{ ok: true; status: OrgStatus } | { ok: false; error: "not_found" | "invalid_transition" }> {
  if (!isUuid(input.orgId)) return { ok: false, error: "not_found" };
  const org = await trx.selectFrom("organisations").select(["id", "status", "name"]).where("id", "=", input.orgId).forUpdate().executeTakeFirst();
  if (!org) return { ok: false, error: "not_found" };
  const rule = transitions[input.transition];
  if (!rule.from.includes(org.status)) return { ok: false, error: "invalid_transition" };
  await trx.updateTable("organisations").set({ status: rule.to, updated_at: new Date() }).where("id", "=", org.id).execute();
  await recordAudit(trx, {
    actor: input.actor,
    action: `org.${input.transition}`,
    entityType: "organisation",
    entityId: org.id,
    orgId: org.id,
    before: { status: org.status },
    after: { status: rule.to, ...(input.reason ? { reason: input.reason } : {}) },
  });
  const base = linkBase(input.baseUrl);
  for (const to of await orgManagers(trx, org.id)) {
    await enqueueEmail(trx, {
      to: to.email,
      locale: to.locale,
      message:
        rule.to === "suspended"
          ? { template: "org_suspended", props: { orgName: org.name, reason: input.reason ?? null, url: `${base}/app` } }
          : { template: "org_verified", props: { orgName: org.name, url: `${base}/app/requests/new` } },
    });
  }
  return { ok: true, status: rule.to };
}
