import { sql, type RawBuilder } from "kysely";
import type { Executor, Trx } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { isUuid } from "~/modules/orgs/organisations.server";
import type { Period } from "./usage.server";

/**
 * The meters of a site with what each measures on `today` (the site's local date, `dayIn(site.time_zone)`):
 * the current attachment, and the next one when it starts later (a meter attached from a future
 * date measures nothing yet: it is shown as upcoming, "from …", not as current).
 */
export async function listMeters(db: Executor, siteId: string, today: string) {
  return db
    .selectFrom("meters as m")
    .leftJoin("meter_attachments as a", (j) => j.onRef("a.meter_id", "=", "m.id").on(sql<boolean>`a.during @> ${today}::date`))
    .leftJoin("contracts as c", "c.id", "a.contract_id")
    .leftJoin("organisations as o", "o.id", "c.org_id")
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom("meter_attachments as n")
          .innerJoin("contracts as nc", "nc.id", "n.contract_id")
          .innerJoin("organisations as no", "no.id", "nc.org_id")
          .select(["n.attached_on as upcoming_on", "n.contract_id as upcoming_contract_id", "no.name as upcoming_org_name"])
          .whereRef("n.meter_id", "=", "m.id")
          .where("n.attached_on", ">", today)
          .orderBy("n.attached_on")
          .limit(1)
          .as("next"),
      (j) => j.onTrue(),
    )
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
      "next.upcoming_on",
      "next.upcoming_contract_id",
      "next.upcoming_org_name",
      sql<Date | null>`(select max(s.at) from samples s where s.meter_id = m.id)`.as("last_sample_at"),
    ])
    .where("m.site_id", "=", siteId)
    .orderBy("m.external_id")
    .execute();
}

/**
 * A new meter. The unique constraint on (site, external id) decides between concurrent creations:
 * `ON CONFLICT DO NOTHING` lets exactly one insert win and the others learn it without aborting
 * their transaction (no check-then-insert, which two requests pass at the same time).
 */
export async function createMeter(
  trx: Trx,
  input: { siteId: string; externalId: string; kind: "power" | "bandwidth"; description?: string; actor: Actor },
): Promise<{ ok: true; meterId: string } | { ok: false; error: "duplicate" }> {
  const row = await trx
    .insertInto("meters")
    .values({ site_id: input.siteId, external_id: input.externalId, kind: input.kind, description: input.description ?? null })
    .onConflict((oc) => oc.columns(["site_id", "external_id"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!row) return { ok: false, error: "duplicate" };
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
  return contractMetersQuery(db, contractId, { from: sql`${period.from}::timestamptz`, to: sql`${period.to}::timestamptz` }, timeZone).execute();
}

/**
 * `contractMeters` as a query, over a period given as two SQL expressions: the period's instants
 * as parameters, or columns of an enclosing statement (the usage pages read a month's meters in the
 * statement that computes the month's instants, contract-usage.server.ts).
 */
export function contractMetersQuery(db: Executor, contractId: string, period: { from: RawBuilder<unknown>; to: RawBuilder<unknown> }, timeZone: string) {
  return db
    .selectFrom("meter_attachments as a")
    .innerJoin("meters as m", "m.id", "a.meter_id")
    .select([
      "m.id",
      "m.external_id",
      "m.kind",
      "m.samples_version",
      "a.attached_on",
      "a.detached_on",
      sql<Date>`greatest(${period.from}, (a.attached_on::timestamp AT TIME ZONE ${timeZone}))`.as("from"),
      sql<Date>`least(${period.to}, coalesce(((a.detached_on + 1)::timestamp AT TIME ZONE ${timeZone}), ${period.to}))`.as("to"),
    ])
    .where("a.contract_id", "=", contractId)
    .where(sql<boolean>`(a.attached_on::timestamp AT TIME ZONE ${timeZone}) < ${period.to}`)
    // eb.or, never a raw `… OR …`: Kysely does not parenthesise raw fragments, and an unwrapped OR
    // here once escaped the contract filter (every contract read every ended attachment's meter).
    .where((eb) => eb.or([eb("a.detached_on", "is", null), eb(sql`((a.detached_on + 1)::timestamp AT TIME ZONE ${timeZone})`, ">", period.from)]))
    .orderBy("m.external_id")
    .orderBy("a.attached_on");
}
