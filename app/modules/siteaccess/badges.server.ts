/**
 * Standing access: a tenant's permanent staff at a site (badge holders), valid until a date.
 * - A tenant's owners, admins and technical members (`desk:order`) add holders at a site where the
 *   organisation has a live contract, renew them (a new last day, at most a year ahead) and end them.
 *   At most 10 current holders per organisation and site (held by the database).
 * - Operators with `visits:manage` revoke a holder (audited); every operator sees the site's list.
 * - Identity numbers follow the visits' rule: in full for the organisation's members who may
 *   register and for operators who handle visits; masked otherwise.
 * Renewal reminders (30 and 7 days before the last day) are sent by the daily job (daily.server.ts).
 */
import { sql } from "kysely";
import type { IdDocType, OperatorRole, TenantRole } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { tenantCan } from "~/modules/auth/permissions";
import { recordAudit } from "~/modules/audit/audit.server";
import { isUuid } from "~/utils/ids";
import { dayIn } from "~/utils/dates";
import { BADGE_MAX_DAYS, maskIdNumber } from "./shared";
import { addDays, attempt, operatorSeesIds, tenantSeesIds, type OperatorActor, type Result, type TenantActor } from "./visits.server";

const fail = (error: import("./errors").SiteAccessError) => ({ ok: false as const, error });

function holdersQuery(db: Executor, now: Date) {
  return db
    .selectFrom("badge_holders as b")
    .innerJoin("sites as s", "s.id", "b.site_id")
    .innerJoin("organisations as o", "o.id", "b.org_id")
    .select([
      "b.id",
      "b.org_id",
      "b.site_id",
      "b.name",
      "b.company",
      "b.id_doc_type",
      "b.id_doc_number",
      "b.id_purged_at",
      "b.valid_until",
      "b.created_at",
      "b.revoked_at",
      "s.code as site_code",
      "s.name as site_name",
      "s.time_zone",
      "o.name as org_name",
      sql<string>`(${now}::timestamptz AT TIME ZONE s.time_zone)::date::text`.as("site_today"),
    ]);
}

type HolderRow = Awaited<ReturnType<ReturnType<typeof holdersQuery>["executeTakeFirstOrThrow"]>>;

function shapeHolders(rows: HolderRow[], reveal: boolean) {
  return rows.map((r) => ({
    ...r,
    id_doc_number: reveal ? r.id_doc_number : maskIdNumber(r.id_doc_number),
    current: r.revoked_at === null && r.valid_until >= r.site_today,
    daysLeft: Math.round((Date.parse(`${r.valid_until}T00:00:00Z`) - Date.parse(`${r.site_today}T00:00:00Z`)) / 86_400_000),
  }));
}

export type BadgeHolderView = ReturnType<typeof shapeHolders>[number];

/** The organisation's badge holders, per site (current first, then ended), and the sites it may add holders at. */
export async function badgesForTenant(db: Executor, input: { orgId: string; role: TenantRole; now?: Date }) {
  const now = input.now ?? new Date();
  const rows = await holdersQuery(db, now)
    .where("b.org_id", "=", input.orgId)
    .orderBy("s.code")
    .orderBy(sql`(b.revoked_at IS NULL AND b.valid_until >= (${now}::timestamptz AT TIME ZONE s.time_zone)::date)`, "desc")
    .orderBy("b.name")
    .orderBy("b.id")
    .limit(500)
    .execute();
  const sites = await db
    .selectFrom("sites as s")
    .select(["s.id", "s.code", "s.name", "s.time_zone"])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("contracts as c")
          .select("c.id")
          .whereRef("c.site_id", "=", "s.id")
          .where("c.org_id", "=", input.orgId)
          .where(sql<boolean>`(c.end_on IS NULL OR c.end_on >= (${now}::timestamptz AT TIME ZONE s.time_zone)::date)`),
      ),
    )
    .orderBy("s.code")
    .execute();
  return {
    holders: shapeHolders(rows, tenantSeesIds(input.role)),
    sites: sites.map((s) => ({ id: s.id, code: s.code, name: s.name, today: dayIn(s.time_zone, now), maxUntil: addDays(dayIn(s.time_zone, now), BADGE_MAX_DAYS) })),
  };
}

/** A site's badge holders for the operators (current first). */
export async function badgesForSite(db: Executor, input: { siteId: string; role: OperatorRole; now?: Date }) {
  const now = input.now ?? new Date();
  const rows = await holdersQuery(db, now)
    .where("b.site_id", "=", input.siteId)
    .orderBy(sql`(b.revoked_at IS NULL AND b.valid_until >= (${now}::timestamptz AT TIME ZONE s.time_zone)::date)`, "desc")
    .orderBy("o.name")
    .orderBy("b.name")
    .orderBy("b.id")
    .limit(1000)
    .execute();
  return shapeHolders(rows, operatorSeesIds(input.role));
}

const auditView = (b: { name: string; company: string; id_doc_type: IdDocType; id_doc_number: string | null; valid_until: string }) => ({
  name: b.name,
  company: b.company,
  id_doc_type: b.id_doc_type,
  id_doc_number: maskIdNumber(b.id_doc_number),
  valid_until: b.valid_until,
});

/** A tenant adds a badge holder at a site where it has a live contract. */
export async function addBadgeHolder(
  trx: Trx,
  input: { actor: TenantActor; siteId: string; name: string; company: string; idDocType: IdDocType; idDocNumber: string; validUntil: string; now?: Date },
): Promise<Result<{ holderId: string }>> {
  if (!tenantCan(input.actor.role, "desk:order")) return fail("not_allowed");
  const now = input.now ?? new Date();
  if (!isUuid(input.siteId)) return fail("wrong_site");
  const site = await trx.selectFrom("sites").select(["id", "time_zone"]).where("id", "=", input.siteId).executeTakeFirst();
  if (!site) return fail("wrong_site");
  const today = dayIn(site.time_zone, now);
  const live = await trx
    .selectFrom("contracts")
    .select("id")
    .where("org_id", "=", input.actor.orgId)
    .where("site_id", "=", site.id)
    .where((eb) => eb.or([eb("end_on", "is", null), eb("end_on", ">=", today)]))
    .executeTakeFirst();
  if (!live) return fail("wrong_site");
  if (input.validUntil < today || input.validUntil > addDays(today, BADGE_MAX_DAYS)) return fail("badge_validity");
  const inserted = await attempt(() =>
    trx
      .insertInto("badge_holders")
      .values({
        org_id: input.actor.orgId,
        site_id: site.id,
        name: input.name,
        company: input.company,
        id_doc_type: input.idDocType,
        id_doc_number: input.idDocNumber,
        valid_until: input.validUntil,
        created_by: input.actor.id,
      })
      .returning(["id", "name", "company", "id_doc_type", "id_doc_number", "valid_until"])
      .executeTakeFirstOrThrow(),
  );
  if (!inserted.ok) return inserted;
  await recordAudit(trx, { actor: input.actor, action: "badge.added", entityType: "badge_holder", entityId: inserted.value.id, orgId: input.actor.orgId, after: auditView(inserted.value) });
  return { ok: true, holderId: inserted.value.id };
}

async function lockHolder(trx: Trx, holderId: string, now: Date) {
  if (!isUuid(holderId)) return undefined;
  const locked = await trx.selectFrom("badge_holders").select("id").where("id", "=", holderId).forUpdate().executeTakeFirst();
  if (!locked) return undefined;
  return holdersQuery(trx, now).where("b.id", "=", holderId).executeTakeFirstOrThrow();
}

/** A tenant renews one of its holders: a new last day, from today to a year ahead. */
export async function renewBadgeHolder(trx: Trx, input: { actor: TenantActor; holderId: string; validUntil: string; now?: Date }): Promise<Result> {
  if (!tenantCan(input.actor.role, "desk:order")) return fail("not_allowed");
  const now = input.now ?? new Date();
  const holder = await lockHolder(trx, input.holderId, now);
  if (!holder || holder.org_id !== input.actor.orgId) return fail("not_found");
  if (holder.revoked_at) return fail("wrong_state");
  if (input.validUntil < holder.site_today || input.validUntil > addDays(holder.site_today, BADGE_MAX_DAYS)) return fail("badge_validity");
  const updated = await attempt(() => trx.updateTable("badge_holders").set({ valid_until: input.validUntil }).where("id", "=", holder.id).execute());
  if (!updated.ok) return updated;
  await recordAudit(trx, { actor: input.actor, action: "badge.renewed", entityType: "badge_holder", entityId: holder.id, orgId: holder.org_id, before: { valid_until: holder.valid_until }, after: { valid_until: input.validUntil } });
  return { ok: true };
}

/** A tenant ends one of its holders' access, or an operator revokes it (audited either way). */
export async function revokeBadgeHolder(trx: Trx, input: { actor: TenantActor | OperatorActor; holderId: string; siteId?: string; now?: Date }): Promise<Result> {
  const tenant = "orgId" in input.actor ? (input.actor as TenantActor) : null;
  if (tenant && !tenantCan(tenant.role, "desk:order")) return fail("not_allowed");
  const now = input.now ?? new Date();
  const holder = await lockHolder(trx, input.holderId, now);
  if (!holder || (tenant && holder.org_id !== tenant.orgId) || (input.siteId && holder.site_id !== input.siteId)) return fail("not_found");
  if (holder.revoked_at) return fail("wrong_state");
  const updated = await attempt(() => trx.updateTable("badge_holders").set({ revoked_at: now, revoked_by: input.actor.id }).where("id", "=", holder.id).execute());
  if (!updated.ok) return updated;
  await recordAudit(trx, { actor: input.actor, action: "badge.revoked", entityType: "badge_holder", entityId: holder.id, orgId: holder.org_id, before: auditView(holder), after: { revoked_at: now.toISOString() } });
  return { ok: true };
}
