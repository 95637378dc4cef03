import { sql } from "kysely";
import type { Executor, Trx } from "#db/types";
import type { Currency, ProductKind } from "#db/schema";
import { METERED_KINDS } from "~/modules/inventory/products";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { linkBase, operatorsWhoCan, orgManagers } from "~/modules/email/recipients.server";
import { shortRef } from "./requests.server";
import { isUuid } from "~/modules/orgs/organisations.server";
import { lineAmount } from "~/modules/billing/money";
import { dayIn } from "~/utils/dates";

type Scope = { orgId: string } | { operator: true };

/**
 * A contract's status, derived from its dates at its site (the one place it is decided): upcoming
 * before its first day of service, active from then until its last day has passed, terminated after.
 * A termination applied for a future date leaves it active (and billable) until then.
 */
export const CONTRACT_STATUSES = ["upcoming", "active", "terminated"] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

/** Needs `c` (contracts) and `s` (sites). */
export const effectiveStatus = sql<ContractStatus>`CASE WHEN c.end_on < (now() AT TIME ZONE s.time_zone)::date THEN 'terminated' WHEN c.start_on > (now() AT TIME ZONE s.time_zone)::date THEN 'upcoming' ELSE 'active' END`;

/**
 * The day whose line versions describe a contract "now" (needs `c` and `s`): the site's today,
 * or the first day of an upcoming contract, or the last day of a terminated one.
 */
export const referenceDay = sql<string>`least(greatest((now() AT TIME ZONE s.time_zone)::date, c.start_on), coalesce(c.end_on, 'infinity'::date))`;

/**
 * Freeze a contract's lines from the site's active price list: the requested quantities, plus the
 * metered products at quantity 0 (their prices bind the contract too). A later price change never
 * alters them. Returns the lines written, or the kinds without an active price.
 */
export async function freezeContractLines(
  trx: Trx,
  input: { contractId: string; siteId: string; currency: Currency; validFrom: string; lines: { kind: ProductKind; quantity: number }[] },
): Promise<{ ok: true; monthlyMinor: number } | { ok: false; missing: ProductKind[] }> {
  const products = await trx
    .selectFrom("products")
    .select(["id", "kind", "name_fr", "name_en", "unit_price_minor", "setup_fee_minor"])
    .where("site_id", "=", input.siteId)
    .where("is_active", "=", true)
    .execute();
  const missing = input.lines.filter((l) => !products.some((p) => p.kind === l.kind)).map((l) => l.kind);
  if (missing.length) return { ok: false, missing };
  const frozen = [...input.lines, ...METERED_KINDS.filter((k) => products.some((p) => p.kind === k)).map((kind) => ({ kind, quantity: 0 }))];
  const rows = frozen.map((l) => {
    const p = products.find((x) => x.kind === l.kind)!;
    return {
      contract_id: input.contractId,
      product_id: p.id,
      kind: l.kind,
      name_fr: p.name_fr,
      name_en: p.name_en,
      quantity: l.quantity,
      unit_price_minor: p.unit_price_minor,
      setup_fee_minor: p.setup_fee_minor,
      currency: input.currency,
      valid_from: input.validFrom,
    };
  });
  await trx.insertInto("contract_lines").values(rows).execute();
  return { ok: true, monthlyMinor: rows.reduce((s, r) => s + lineAmount(r.unit_price_minor, r.quantity), 0) };
}

/** Contracts, newest first; `status` keeps one status or several (e.g. active and upcoming: the ones not over). */
export async function listContracts(db: Executor, scope: Scope & { status?: ContractStatus | readonly ContractStatus[] }) {
  let query = db
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .innerJoin("organisations as o", "o.id", "c.org_id")
    .select([
      "c.id",
      "c.org_id",
      effectiveStatus.as("status"),
      "c.start_on",
      "c.end_on",
      "c.term_months",
      "c.commitment_ends_on",
      "s.code as site_code",
      "s.name as site_name",
      "s.currency",
      "o.name as org_name",
      (eb) =>
        eb
          .selectFrom("contract_lines as l")
          .whereRef("l.contract_id", "=", "c.id")
          .where(sql<boolean>`l.during @> ${referenceDay}`)
          .select(sql<number>`coalesce(sum(l.unit_price_minor * l.quantity), 0)`.as("m"))
          .as("monthly_minor"),
      (eb) =>
        eb
          .selectFrom("contract_changes as ch")
          .whereRef("ch.contract_id", "=", "c.id")
          .where("ch.status", "=", "pending")
          .select(eb.fn.countAll<number>().as("n"))
          .as("pending_changes"),
    ])
    .orderBy("c.start_on", "desc");
  if ("orgId" in scope) query = query.where("c.org_id", "=", scope.orgId);
  if (typeof scope.status === "string") query = query.where(effectiveStatus, "=", scope.status);
  else if (scope.status) query = query.where(effectiveStatus, "in", [...scope.status]);
  return (await query.execute()).map((c) => ({ ...c, monthly_minor: Number(c.monthly_minor) }));
}

/** One contract with frozen lines, rack and port allocations and change requests; scoped like every tenant query. */
export async function getContract(db: Executor, scope: Scope, contractId: string) {
  if (!isUuid(contractId)) return undefined;
  let query = db
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .innerJoin("organisations as o", "o.id", "c.org_id")
    .select([
      "c.id",
      "c.org_id",
      "c.site_id",
      "c.request_id",
      effectiveStatus.as("status"),
      "c.start_on",
      "c.end_on",
      "c.term_months",
      referenceDay.as("reference_on"),
      "c.created_at",
      "s.code as site_code",
      "s.name as site_name",
      "s.currency",
      "s.vat_rate_bp",
      "s.time_zone",
      "o.name as org_name",
      "o.is_vat_exempt",
    ])
    .where("c.id", "=", contractId);
  if ("orgId" in scope) query = query.where("c.org_id", "=", scope.orgId);
  const contract = await query.executeTakeFirst();
  if (!contract) return undefined;
  const [versions, allocations, ports, changes] = await Promise.all([
    db
      .selectFrom("contract_lines")
      .select(["id", "kind", "name_fr", "name_en", "quantity", "unit_price_minor", "setup_fee_minor", "currency", "valid_from", "valid_to", "change_id"])
      .where("contract_id", "=", contract.id)
      .orderBy("kind")
      .orderBy("valid_from")
      .execute(),
    db
      .selectFrom("allocations as a")
      .innerJoin("racks as r", "r.id", "a.rack_id")
      .innerJoin("rooms as m", "m.id", "r.room_id")
      .select(["a.id", "a.kind", "a.first_u", "a.last_u", "a.power_w", "a.start_on", "a.end_on", "r.id as rack_id", "r.name as rack_name", "r.height_u", "m.name as room_name"])
      .where("a.contract_id", "=", contract.id)
      .orderBy("r.name")
      .orderBy("a.start_on")
      .execute(),
    db
      .selectFrom("port_allocations as pa")
      .innerJoin("cross_connect_ports as p", "p.id", "pa.port_id")
      .innerJoin("rooms as m", "m.id", "p.room_id")
      .select(["pa.id", "p.name", "p.media", "m.name as room_name", "pa.start_on", "pa.end_on"])
      .where("pa.contract_id", "=", contract.id)
      .execute(),
    db.selectFrom("contract_changes").selectAll().where("contract_id", "=", contract.id).orderBy("requested_at", "desc").execute(),
  ]);
  // The lines in force on the reference day (today, or the first/last day of an upcoming/ended
  // contract); every version stays readable in `versions`.
  const day = contract.reference_on;
  const inForce = (v: { valid_from: string; valid_to: string | null }) => v.valid_from <= day && (v.valid_to === null || v.valid_to >= day);
  const lines = versions.filter(inForce);
  const monthlyMinor = lines.reduce((s, l) => s + lineAmount(l.unit_price_minor, l.quantity), 0);
  const bandwidthCommitMbps = lines.find((l) => l.kind === "bandwidth_commit_mbps")?.quantity ?? 0;
  return { ...contract, lines, versions, allocations, ports, changes, monthlyMinor, bandwidthCommitMbps };
}

export type ChangeError = "not_found" | "not_active" | "already_pending" | "end_before_start" | "end_in_past";

/**
 * A tenant asks to terminate a contract at a date (last day of service). The operators who can
 * apply it (`requests:approve`: every ops_admin and ops_noc) get an e-mail, each in their language.
 */
export async function requestTermination(
  trx: Trx,
  input: { orgId: string; contractId: string; endOn: string; details?: string; actor: Actor; baseUrl?: string },
): Promise<{ ok: true; changeId: string } | { ok: false; error: ChangeError }> {
  if (!isUuid(input.contractId)) return { ok: false, error: "not_found" };
  const contract = await trx
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .select(["c.id", effectiveStatus.as("status"), "c.start_on", "c.end_on", "s.time_zone"])
    .where("c.id", "=", input.contractId)
    .where("c.org_id", "=", input.orgId)
    .forUpdate("c")
    .executeTakeFirst();
  if (!contract) return { ok: false, error: "not_found" };
  // Already ended, or already ending on a date set by an applied termination. A contract that has
  // not started yet may be terminated too (on or after its first day).
  if (contract.status === "terminated" || contract.end_on) return { ok: false, error: "not_active" };
  if (input.endOn < contract.start_on) return { ok: false, error: "end_before_start" };
  if (input.endOn < dayIn(contract.time_zone)) return { ok: false, error: "end_in_past" };
  const pending = await trx.selectFrom("contract_changes").select("id").where("contract_id", "=", contract.id).where("kind", "=", "termination").where("status", "=", "pending").executeTakeFirst();
  if (pending) return { ok: false, error: "already_pending" };
  const change = await trx
    .insertInto("contract_changes")
    .values({ contract_id: contract.id, org_id: input.orgId, kind: "termination", requested_end_on: input.endOn, details: input.details ?? null, requested_by: input.actor.id })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(trx, { actor: input.actor, action: "contract.termination_requested", entityType: "contract", entityId: contract.id, orgId: input.orgId, after: { end_on: input.endOn } });
  const about = await contractNames(trx, contract.id);
  const requester = await trx.selectFrom("users").select("name").where("id", "=", input.actor.id).executeTakeFirst();
  for (const to of await operatorsWhoCan(trx, "requests:approve")) {
    await enqueueEmail(trx, {
      to: to.email,
      locale: to.locale,
      message: {
        template: "termination_requested",
        props: {
          ...about,
          endOn: input.endOn,
          requesterName: requester?.name ?? input.actor.email,
          details: input.details ?? null,
          url: `${linkBase(input.baseUrl)}/ops/contracts/${contract.id}`,
        },
      },
    });
  }
  return { ok: true, changeId: change.id };
}

/** Pending change requests, oldest first, for the operators. */
export async function pendingChanges(db: Executor) {
  return db
    .selectFrom("contract_changes as ch")
    .innerJoin("contracts as c", "c.id", "ch.contract_id")
    .innerJoin("organisations as o", "o.id", "ch.org_id")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .select(["ch.id", "ch.contract_id", "ch.kind", "ch.requested_end_on", "ch.effective_on", "ch.details", "ch.requested_at", "o.name as org_name", "s.code as site_code"])
    .where("ch.status", "=", "pending")
    .orderBy("ch.requested_at")
    .execute();
}

/** The names an e-mail about a contract shows: organisation, site, short reference. */
export async function contractNames(trx: Executor, contractId: string) {
  const row = await trx
    .selectFrom("contracts as c")
    .innerJoin("organisations as o", "o.id", "c.org_id")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .select(["o.name as orgName", "s.name as siteName"])
    .where("c.id", "=", contractId)
    .executeTakeFirstOrThrow();
  return { ...row, contractRef: shortRef(contractId) };
}

/**
 * An operator applies a termination: the contract ends on `endOn` (last day of service), and every
 * allocation of the contract ends then too, so its units, power, bandwidth and ports are free for
 * the days after. The tenant's owners and admins get an e-mail, each in their language.
 */
export async function applyTermination(
  trx: Trx,
  // notify: false = the caller sends its own e-mails (a tenant's notice of non-renewal, app/modules/renewals).
  input: { changeId: string; endOn: string; actor: Actor; note?: string; baseUrl?: string; notify?: boolean },
): Promise<{ ok: true } | { ok: false; error: ChangeError }> {
  if (!isUuid(input.changeId)) return { ok: false, error: "not_found" };
  const change = await trx.selectFrom("contract_changes").selectAll().where("id", "=", input.changeId).where("kind", "=", "termination").forUpdate().executeTakeFirst();
  if (!change || change.status !== "pending") return { ok: false, error: change ? "not_active" : "not_found" };
  const contract = await trx
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .select(["c.id", "c.start_on", "c.end_on", effectiveStatus.as("status"), "s.time_zone"])
    .where("c.id", "=", change.contract_id)
    .forUpdate("c")
    .executeTakeFirstOrThrow();
  if (contract.status === "terminated" || contract.end_on) return { ok: false, error: "not_active" };
  if (input.endOn < contract.start_on) return { ok: false, error: "end_before_start" };
  // The status follows from the dates: a future end leaves the contract active until then.
  await trx.updateTable("contracts").set({ end_on: input.endOn }).where("id", "=", contract.id).execute();
  const today = dayIn(contract.time_zone);
  const status: ContractStatus = input.endOn < today ? "terminated" : contract.start_on > today ? "upcoming" : "active";
  // Meters measuring it stop counting for it after the end too.
  await trx
    .updateTable("meter_attachments")
    .set({ detached_on: input.endOn })
    .where("contract_id", "=", contract.id)
    .where("attached_on", "<=", input.endOn)
    .where((eb) => eb.or([eb("detached_on", "is", null), eb("detached_on", ">", input.endOn)]))
    .execute();
  // One row at a time in rack (then port) order: each update's trigger locks its rack, and
  // approvals insert in rack order too, so the two never wait on each other in a cycle.
  // Space that would only start after the last day (an upgrade approved for later) never takes
  // effect: it is removed, as an amendment removes what it replaces before it starts.
  const allocations = await trx
    .selectFrom("allocations")
    .select(["id", "start_on"])
    .where("contract_id", "=", contract.id)
    .where((eb) => eb.or([eb("end_on", "is", null), eb("end_on", ">", input.endOn)]))
    .orderBy("rack_id")
    .orderBy("id")
    .execute();
  for (const a of allocations) {
    if (a.start_on > input.endOn) await trx.deleteFrom("allocations").where("id", "=", a.id).execute();
    else await trx.updateTable("allocations").set({ end_on: input.endOn }).where("id", "=", a.id).execute();
  }
  const ports = await trx
    .selectFrom("port_allocations")
    .select(["id", "start_on"])
    .where("contract_id", "=", contract.id)
    .where((eb) => eb.or([eb("end_on", "is", null), eb("end_on", ">", input.endOn)]))
    .orderBy("port_id")
    .orderBy("id")
    .execute();
  for (const p of ports) {
    if (p.start_on > input.endOn) await trx.deleteFrom("port_allocations").where("id", "=", p.id).execute();
    else await trx.updateTable("port_allocations").set({ end_on: input.endOn }).where("id", "=", p.id).execute();
  }
  await trx
    .updateTable("contract_changes")
    .set({ status: "applied", decided_by: input.actor.id, decided_at: new Date(), decision_note: input.note ?? null })
    .where("id", "=", change.id)
    .execute();
  await recordAudit(trx, {
    actor: input.actor,
    action: "contract.terminated",
    entityType: "contract",
    entityId: contract.id,
    orgId: change.org_id,
    before: { status: contract.status, end_on: contract.end_on },
    after: { status, end_on: input.endOn },
  });
  if (input.notify === false) return { ok: true };
  const about = await contractNames(trx, contract.id);
  for (const to of await orgManagers(trx, change.org_id)) {
    await enqueueEmail(trx, {
      to: to.email,
      locale: to.locale,
      message: {
        template: "termination_applied",
        props: { ...about, endOn: input.endOn, note: input.note ?? null, url: `${linkBase(input.baseUrl)}/app/services/${contract.id}` },
      },
    });
  }
  return { ok: true };
}

export async function rejectChange(trx: Trx, input: { changeId: string; actor: Actor; note: string }) {
  if (!isUuid(input.changeId)) return false;
  const row = await trx
    .updateTable("contract_changes")
    .set({ status: "rejected", decided_by: input.actor.id, decided_at: new Date(), decision_note: input.note })
    .where("id", "=", input.changeId)
    .where("status", "=", "pending")
    .returning(["contract_id", "org_id"])
    .executeTakeFirst();
  if (!row) return false;
  await recordAudit(trx, { actor: input.actor, action: "contract.change_rejected", entityType: "contract", entityId: row.contract_id, orgId: row.org_id, after: { note: input.note } });
  return true;
}

// ---------------------------------------------------------------------------------------------
// Added for the tenant's contract page (app/routes/app.services.$contractId.tsx).

/** The other tenants' blocks in the racks a contract uses (current and future), anonymised, for the tenant's elevation. */
export async function rackNeighbours(db: Executor, contract: { id: string; allocations: { rack_id: string }[] }) {
  const rackIds = [...new Set(contract.allocations.map((a) => a.rack_id))];
  if (rackIds.length === 0) return [];
  return db
    .selectFrom("allocations")
    .select(["rack_id", "first_u", "last_u"])
    .where("rack_id", "in", rackIds)
    .where("contract_id", "<>", contract.id)
    .where((eb) => eb.or([eb("end_on", "is", null), eb("end_on", ">=", sql<string>`site_today((SELECT site_id FROM contracts WHERE id = ${contract.id}))`)]))
    .orderBy("first_u")
    .execute();
}
