import { sql } from "kysely";
import type { Executor, Trx } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { isUuid } from "~/modules/orgs/organisations.server";
import type { Period } from "./usage.server";

export async function listMeters(db: Executor, siteId: string) {
  return db
    .selectFrom("meters as m")
    .leftJoin("meter_attachments as a", (j) => j.onRef("a.meter_id", "=", "m.id").on(sql<boolean>`a.during @> current_date`))
    .leftJoin("contracts as c", "c.id", "a.contract_id")
    .leftJoin("organisations as o", "o.id", "c.org_id")
    .select([
      "m.id",
      "m.external_id",
      "m.kind",
      "m.description",
      "m.created_at",
      "a.id as attachment_id",
      "a.attached_on",
      "c.id as contract_id",
      "o.name as org_name",
      sql<Date | null>`(select max(s.at) from samples s where s.meter_id = m.id)`.as("last_sample_at"),
    ])
    .where("m.site_id", "=", siteId)
    .orderBy("m.external_id")
    .execute();
}

export async function createMeter(
  trx: Trx,
  input: { siteId: string; externalId: string; kind: "power" | "bandwidth"; description?: string; actor: Actor },
): Promise<{ ok: true; meterId: string } | { ok: false; error: "duplicate" }> {
  const exists = await trx.selectFrom("meters").select("id").where("site_id", "=", input.siteId).where("external_id", "=", input.externalId).executeTakeFirst();
  if (exists) return { ok: false, error: "duplicate" };
  const row = await trx
    .insertInto("meters")
    .values({ site_id: input.siteId, external_id: input.externalId, kind: input.kind, description: input.description ?? null })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(trx, { actor: input.actor, action: "meter.created", entityType: "meter", entityId: row.id, after: { external_id: input.externalId, kind: input.kind } });
  return { ok: true, meterId: row.id };
}

/**
 * Attach a meter to a contract of the same site from a date; an open attachment of that meter ends
 * the day before. The exclusion constraint keeps one contract per meter per day.
 */
export async function attachMeter(
  trx: Trx,
  input: { meterId: string; contractId: string; fromOn: string; actor: Actor },
): Promise<{ ok: true } | { ok: false; error: "not_found" | "wrong_site" | "overlap" | "before_contract" }> {
  if (!isUuid(input.meterId) || !isUuid(input.contractId)) return { ok: false, error: "not_found" };
  const meter = await trx.selectFrom("meters").select(["id", "site_id"]).where("id", "=", input.meterId).forUpdate().executeTakeFirst();
  const contract = await trx.selectFrom("contracts").select(["id", "site_id", "start_on", "end_on", "org_id"]).where("id", "=", input.contractId).executeTakeFirst();
  if (!meter || !contract) return { ok: false, error: "not_found" };
  if (meter.site_id !== contract.site_id) return { ok: false, error: "wrong_site" };
  if (input.fromOn < contract.start_on || (contract.end_on && input.fromOn > contract.end_on)) return { ok: false, error: "before_contract" };
  await trx
    .updateTable("meter_attachments")
    .set({ detached_on: sql`${input.fromOn}::date - 1` })
    .where("meter_id", "=", meter.id)
    .where("attached_on", "<", input.fromOn)
    .where((eb) => eb.or([eb("detached_on", "is", null), eb("detached_on", ">=", input.fromOn)]))
    .execute();
  try {
    await trx.insertInto("meter_attachments").values({ meter_id: meter.id, contract_id: contract.id, attached_on: input.fromOn, detached_on: contract.end_on }).execute();
  } catch (error) {
    if ((error as { code?: string }).code === "23P01") return { ok: false, error: "overlap" };
    throw error;
  }
  await recordAudit(trx, { actor: input.actor, action: "meter.attached", entityType: "meter", entityId: meter.id, orgId: contract.org_id, after: { contract_id: contract.id, from: input.fromOn } });
  return { ok: true };
}

/**
 * The meters measuring a contract during a period, each with the part of the period it was attached
 * (a meter moved to another contract mid-month bills each contract for its own days).
 */
export async function contractMeters(db: Executor, contractId: string, period: Period, timeZone: string) {
  return db
    .selectFrom("meter_attachments as a")
    .innerJoin("meters as m", "m.id", "a.meter_id")
    .select([
      "m.id",
      "m.external_id",
      "m.kind",
      sql<Date>`greatest(${period.from}::timestamptz, (a.attached_on::timestamp AT TIME ZONE ${timeZone}))`.as("from"),
      sql<Date>`least(${period.to}::timestamptz, coalesce(((a.detached_on + 1)::timestamp AT TIME ZONE ${timeZone}), ${period.to}::timestamptz))`.as("to"),
    ])
    .where("a.contract_id", "=", contractId)
    .where(sql<boolean>`(a.attached_on::timestamp AT TIME ZONE ${timeZone}) < ${period.to}`)
    .where(sql<boolean>`a.detached_on IS NULL OR ((a.detached_on + 1)::timestamp AT TIME ZONE ${timeZone}) > ${period.from}`)
    .execute();
}
