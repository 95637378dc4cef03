import { sql } from "kysely";
import type { Executor, Trx } from "#db/types";
import type { ProductKind } from "#db/schema";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { linkBase, operatorsWhoCan, orgManagers } from "~/modules/email/recipients.server";
import { capacityErrorOf, type CapacityError } from "~/modules/inventory/constraint-errors";
import { siteRacks, siteBandwidth, sitePorts, toRackState } from "~/modules/inventory/capacity.server";
import { freeRuns, placeRequest, type Placement } from "~/modules/inventory/placement";
import { addDays, earlyTermination, formatDecimal } from "~/modules/billing/compute";
import { isUuid } from "~/modules/orgs/organisations.server";
import { needsOf } from "~/modules/requests/requests.server";
import { contractNames } from "~/modules/requests/contracts.server";
import { validateAssignment, type ApprovalPlacement } from "~/modules/requests/approve.server";
import { dayIn } from "~/utils/dates";
import { AMENDABLE_KINDS, amendmentQuote, type AmendableKind, type AmendmentPrice, type Quantities } from "./amendment-quote";

/**
 * Amendments (issue 10, ADR 015): a tenant asks to change a contract's quantities from a date; an
 * operator approves it by assigning concrete resources for the new state, in one transaction:
 *
 * - each changed kind's line version in force ends the day before, and a new version (same frozen
 *   price; the site's price list for a kind new to the contract) starts on the effective date;
 * - each allocation (and port) that is not kept as it is ends the day before (or goes, when it had
 *   not started yet), and the new ones start on the effective date — the database's exclusion
 *   constraints and capacity triggers say no to any oversell, exactly as for approvals;
 * - a downgrade below the quantities signed with the contract, before the commitment's end, carries
 *   the early-termination rule on what is given back (a one-off charge on the effective month),
 *   unless the operator waives it.
 */

type Scope = { orgId: string } | { operator: true };

export type AmendmentError =
  | "not_found"
  | "not_active"
  | "already_pending"
  | "effective_in_past"
  | "effective_before_start"
  | "effective_after_end"
  | "later_change_exists"
  | "no_change"
  | "no_space"
  | "missing_price";

const emptyQuantities = (): Quantities => Object.fromEntries(AMENDABLE_KINDS.map((k) => [k, 0])) as Quantities;

/** Versions of a contract in force on `day`. */
async function versionsOn(db: Executor, contractId: string, day: string) {
  return db
    .selectFrom("contract_lines")
    .select(["id", "product_id", "kind", "name_fr", "name_en", "quantity", "unit_price_minor", "setup_fee_minor", "currency", "valid_from", "valid_to"])
    .where("contract_id", "=", contractId)
    .where(sql<boolean>`during @> ${day}::date`)
    .execute();
}

/**
 * What the amendment page needs for a contract and an effective date: the quantities in force that
 * day, the recurring monthly total, the prices an amendment would use, the earliest date allowed.
 */
export async function amendmentContext(db: Executor, scope: Scope, contractId: string, effectiveOn?: string) {
  if (!isUuid(contractId)) return undefined;
  let query = db
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .innerJoin("organisations as o", "o.id", "c.org_id")
    .select(["c.id", "c.org_id", "c.site_id", "c.start_on", "c.end_on", "c.term_months", "c.commitment_ends_on", "s.name as site_name", "s.currency", "s.vat_rate_bp", "s.time_zone", "o.name as org_name", "o.is_vat_exempt"])
    .where("c.id", "=", contractId);
  if ("orgId" in scope) query = query.where("c.org_id", "=", scope.orgId);
  const contract = await query.executeTakeFirst();
  if (!contract) return undefined;
  const today = dayIn(contract.time_zone);
  const earliest = contract.start_on > today ? contract.start_on : addDays(today, 1);
  const day = effectiveOn && effectiveOn >= earliest ? effectiveOn : earliest;
  const lines = await versionsOn(db, contract.id, day);
  const quantities = emptyQuantities();
  for (const l of lines) if ((AMENDABLE_KINDS as readonly string[]).includes(l.kind)) quantities[l.kind as AmendableKind] = l.quantity;
  const monthlyMinor = lines.filter((l) => l.quantity > 0).reduce((s, l) => s + l.unit_price_minor * l.quantity, 0);
  const list = await db.selectFrom("products").select(["kind", "unit_price_minor", "setup_fee_minor"]).where("site_id", "=", contract.site_id).where("is_active", "=", true).execute();
  const prices: AmendmentPrice[] = AMENDABLE_KINDS.flatMap((kind): AmendmentPrice[] => {
    const frozen = lines.find((l) => l.kind === kind);
    if (frozen) return [{ kind, unitPriceMinor: frozen.unit_price_minor, setupFeeMinor: frozen.setup_fee_minor, frozen: true }];
    const p = list.find((x) => x.kind === kind);
    return p ? [{ kind, unitPriceMinor: p.unit_price_minor, setupFeeMinor: p.setup_fee_minor, frozen: false }] : [];
  });
  const pending = await db.selectFrom("contract_changes").select("id").where("contract_id", "=", contract.id).where("kind", "=", "amendment").where("status", "=", "pending").executeTakeFirst();
  return {
    contract,
    today,
    earliestOn: earliest,
    effectiveOn: day,
    quantities,
    monthlyMinor,
    prices,
    commitmentEndOn: contract.commitment_ends_on,
    pendingChangeId: pending?.id ?? null,
    vat: { rateBp: contract.vat_rate_bp, exempt: contract.is_vat_exempt },
  };
}
export type AmendmentContext = NonNullable<Awaited<ReturnType<typeof amendmentContext>>>;

/**
 * Live availability of what an amendment ADDS, from its effective date on (open-ended, like the
 * allocations it creates): more units or racks must fit somewhere at the site; more power must fit
 * in the racks the contract holds plus those a new placement would use; more bandwidth within the
 * site's sellable uplink; more ports among the free ones.
 */
export async function amendmentAvailability(db: Executor, ctx: AmendmentContext, next: Quantities) {
  const q = ctx.quantities;
  const more = (k: AmendableKind) => Math.max(0, next[k] - q[k]);
  const period = { startOn: ctx.effectiveOn, endOn: null };
  const racks = await siteRacks(db, ctx.contract.site_id, period);
  const shortages: { kind: "units" | "half_rack" | "full_rack" | "power" | "bandwidth" | "ports"; needed: number; available: number }[] = [];
  const placed = placeRequest(racks.map(toRackState), { units: more("rack_unit"), halfRacks: more("half_rack"), fullRacks: more("full_rack"), powerW: 0 });
  for (const s of placed.shortages) {
    if (s.kind === "units") shortages.push({ kind: "units", needed: s.needed, available: s.largestFreeRun });
    else if (s.kind === "half_rack" || s.kind === "full_rack") shortages.push({ kind: s.kind, needed: s.needed, available: s.available });
  }
  const addedW = more("power_commit_kw") * 1000;
  if (addedW > 0) {
    const mine = new Set([
      ...racks.filter((r) => r.allocations.some((a) => a.contract_id === ctx.contract.id)).map((r) => r.id),
      ...placed.placements.map((p) => p.rackId),
    ]);
    // Headroom counts this contract's own power as its own (it is replaced, not added).
    const headroom = racks.filter((r) => mine.has(r.id)).reduce((s, r) => s + Math.max(0, r.usableW - r.committedW), 0);
    if (addedW > headroom) shortages.push({ kind: "power", needed: addedW, available: headroom });
  }
  const addedMbps = more("bandwidth_commit_mbps");
  if (addedMbps > 0) {
    const bw = await siteBandwidth(db, ctx.contract.site_id, period);
    const free = Math.max(0, bw.sellableMbps - bw.committedMbps);
    if (addedMbps > free) shortages.push({ kind: "bandwidth", needed: addedMbps, available: free });
  }
  const addedPorts = more("cross_connect");
  if (addedPorts > 0) {
    const free = (await sitePorts(db, ctx.contract.site_id, period)).filter((p) => p.status === "active" && !p.allocation_id).length;
    if (addedPorts > free) shortages.push({ kind: "ports", needed: addedPorts, available: free });
  }
  return { ok: shortages.length === 0, shortages };
}

/**
 * The quantities the commitment covers: those in force on its first day (the contract's start, or
 * its latest renewal's).
 * Giving back below them before the commitment's end is an early release; what an upgrade added on
 * top is not committed for the term and may be given back freely (ADR 015).
 */
async function committedQuantities(db: Executor, contractId: string, startOn: string): Promise<Quantities> {
  // The current commitment starts with the contract, or with its latest renewal (ADR 017).
  const renewal = await db.selectFrom("contract_renewals").select("starts_on").where("contract_id", "=", contractId).orderBy("starts_on", "desc").executeTakeFirst();
  const q = emptyQuantities();
  for (const l of await versionsOn(db, contractId, renewal?.starts_on ?? startOn)) if ((AMENDABLE_KINDS as readonly string[]).includes(l.kind)) q[l.kind as AmendableKind] = l.quantity;
  return q;
}

/** Space is what holds power: an amendment may not leave power (or anything) without rack space. */
const hasSpace = (q: Quantities) => q.rack_unit + q.half_rack + q.full_rack > 0;

export function amendmentError(ctx: AmendmentContext, next: Quantities): AmendmentError | null {
  const { contract } = ctx;
  if (contract.end_on !== null && contract.end_on < ctx.today) return "not_active";
  if (ctx.effectiveOn < contract.start_on) return "effective_before_start";
  if (contract.end_on !== null && ctx.effectiveOn > contract.end_on) return "effective_after_end";
  if (AMENDABLE_KINDS.every((k) => next[k] === ctx.quantities[k])) return "no_change";
  if (!hasSpace(next)) return "no_space";
  return null;
}

/**
 * A tenant asks for an amendment from `effectiveOn` (first day of the new quantities). Refused (and
 * nothing written) when the date is not after today (the site's calendar) or outside the contract,
 * when nothing changes, when another amendment waits or a later version exists, or when a kind has
 * no price. A downgrade before the commitment's end is flagged for the operator to accept.
 */
export async function requestAmendment(
  trx: Trx,
  input: { orgId: string; contractId: string; effectiveOn: string; quantities: Quantities; details?: string | null; actor: Actor; baseUrl?: string },
): Promise<{ ok: true; changeId: string } | { ok: false; error: AmendmentError }> {
  if (!isUuid(input.contractId)) return { ok: false, error: "not_found" };
  const locked = await trx.selectFrom("contracts").select("id").where("id", "=", input.contractId).where("org_id", "=", input.orgId).forUpdate().executeTakeFirst();
  if (!locked) return { ok: false, error: "not_found" };
  const ctx = await amendmentContext(trx, { orgId: input.orgId }, input.contractId, input.effectiveOn);
  if (!ctx) return { ok: false, error: "not_found" };
  if (input.effectiveOn < ctx.earliestOn) return { ok: false, error: input.effectiveOn < ctx.contract.start_on ? "effective_before_start" : "effective_in_past" };
  const error = amendmentError(ctx, input.quantities);
  if (error) return { ok: false, error };
  if (ctx.pendingChangeId) return { ok: false, error: "already_pending" };
  const later = await trx.selectFrom("contract_lines").select("id").where("contract_id", "=", ctx.contract.id).where("valid_from", ">", input.effectiveOn).executeTakeFirst();
  if (later) return { ok: false, error: "later_change_exists" };
  const quote = amendmentQuote({ monthlyMinor: ctx.monthlyMinor, quantities: ctx.quantities }, input.quantities, ctx.prices, ctx.vat);
  if (quote.missingPrices.length) return { ok: false, error: "missing_price" };
  const baseline = await committedQuantities(trx, ctx.contract.id, ctx.contract.start_on);
  const beforeCommitmentEnd = input.effectiveOn <= ctx.commitmentEndOn && quote.lines.some((l) => l.after < Math.min(l.before, baseline[l.kind]));

  const change = await trx
    .insertInto("contract_changes")
    .values({
      contract_id: ctx.contract.id,
      org_id: input.orgId,
      kind: "amendment",
      effective_on: input.effectiveOn,
      before_commitment_end: beforeCommitmentEnd,
      details: input.details?.trim() || null,
      requested_by: input.actor.id,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("contract_change_lines")
    .values(quote.lines.map((l) => ({ change_id: change.id, kind: l.kind as ProductKind, quantity_before: l.before, quantity: l.after })))
    .execute();
  await recordAudit(trx, {
    actor: input.actor,
    action: "contract.amendment_requested",
    entityType: "contract",
    entityId: ctx.contract.id,
    orgId: input.orgId,
    after: { change_id: change.id, effective_on: input.effectiveOn, lines: quote.lines.map((l) => ({ kind: l.kind, before: l.before, after: l.after })), monthly_after_minor: quote.monthlyAfterMinor },
  });
  for (const to of await operatorsWhoCan(trx, "requests:approve")) {
    await enqueueEmail(trx, {
      to: to.email,
      locale: to.locale,
      message: {
        template: "amendment_requested",
        props: { ...(await contractNames(trx, ctx.contract.id)), effectiveOn: input.effectiveOn, changes: describe(quote.lines, to.locale), text: input.details ?? null, url: `${linkBase(input.baseUrl)}/ops/amendments/${change.id}` },
      },
    });
  }
  return { ok: true, changeId: change.id };
}

/** "Puissance engagée (kW) : 2 → 4" per changed kind, in a reader's language. */
function describe(lines: { kind: string; before: number; after: number }[], locale: "fr" | "en"): string[] {
  return lines.map((l) => `${KIND_NAMES[locale][l.kind as AmendableKind] ?? l.kind}: ${formatDecimal(String(l.before), locale)} → ${formatDecimal(String(l.after), locale)}`);
}

const KIND_NAMES: Record<"fr" | "en", Record<AmendableKind, string>> = {
  fr: { rack_unit: "Unités de baie (U)", half_rack: "Demi-baies", full_rack: "Baies complètes", power_commit_kw: "Puissance engagée (kW)", bandwidth_commit_mbps: "Bande passante garantie (Mbit/s)", cross_connect: "Interconnexions" },
  en: { rack_unit: "Rack units (U)", half_rack: "Half racks", full_rack: "Full racks", power_commit_kw: "Committed power (kW)", bandwidth_commit_mbps: "Committed bandwidth (Mbps)", cross_connect: "Cross-connects" },
};


/** One amendment with its lines and contract, for the operators (or the tenant that asked, scoped). */
export async function getAmendment(db: Executor, scope: Scope, changeId: string) {
  if (!isUuid(changeId)) return undefined;
  let query = db
    .selectFrom("contract_changes as ch")
    .innerJoin("contracts as c", "c.id", "ch.contract_id")
    .innerJoin("organisations as o", "o.id", "ch.org_id")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .leftJoin("users as u", "u.id", "ch.requested_by")
    .select([
      "ch.id",
      "ch.contract_id",
      "ch.org_id",
      "ch.status",
      "ch.effective_on",
      "ch.before_commitment_end",
      "ch.waive_early_release",
      "ch.details",
      "ch.requested_at",
      "ch.decided_at",
      "ch.decision_note",
      "c.site_id",
      "c.start_on",
      "c.end_on",
      "c.term_months",
      "c.commitment_ends_on",
      "o.name as org_name",
      "s.code as site_code",
      "s.name as site_name",
      "s.currency",
      "u.name as requested_by_name",
    ])
    .where("ch.id", "=", changeId)
    .where("ch.kind", "=", "amendment");
  if ("orgId" in scope) query = query.where("ch.org_id", "=", scope.orgId);
  const change = await query.executeTakeFirst();
  if (!change || !change.effective_on) return undefined;
  const lines = await db.selectFrom("contract_change_lines").select(["kind", "quantity_before", "quantity"]).where("change_id", "=", change.id).execute();
  return { ...change, effective_on: change.effective_on, lines };
}
export type Amendment = NonNullable<Awaited<ReturnType<typeof getAmendment>>>;

/** The quantities an amendment asks for: those in force on its date, with its lines applied. */
export async function targetQuantities(db: Executor, change: Amendment): Promise<Quantities> {
  const q = emptyQuantities();
  for (const l of await versionsOn(db, change.contract_id, change.effective_on)) if ((AMENDABLE_KINDS as readonly string[]).includes(l.kind)) q[l.kind as AmendableKind] = l.quantity;
  for (const l of change.lines) q[l.kind as AmendableKind] = l.quantity;
  return q;
}

/** The contract's allocations and ports in force on a day (or starting after it). */
async function heldFrom(db: Executor, contractId: string, day: string) {
  const allocations = await db
    .selectFrom("allocations as a")
    .innerJoin("racks as r", "r.id", "a.rack_id")
    .select(["a.id", "a.rack_id", "r.name as rack_name", "r.height_u", "a.kind", "a.first_u", "a.last_u", "a.power_w", "a.start_on", "a.end_on"])
    .where("a.contract_id", "=", contractId)
    .where(sql<boolean>`a.during && daterange(${day}::date, NULL, '[]')`)
    .orderBy("a.rack_id")
    .orderBy("a.first_u")
    .execute();
  const ports = await db
    .selectFrom("port_allocations")
    .select(["id", "port_id", "start_on", "end_on"])
    .where("contract_id", "=", contractId)
    .where("cross_connect_order_id", "is", null)
    .where(sql<boolean>`during && daterange(${day}::date, NULL, '[]')`)
    .orderBy("port_id")
    .execute();
  return { allocations, ports };
}

/**
 * The operator's starting point: the resources held on the effective date, adjusted to the new
 * quantities — a block of units grows in place where the units next to it are free (else a new
 * block is placed), shrinks from its top; racks are added by the placement rules or the last ones
 * given back; power is spread over the slots within each rack's headroom or taken back from the
 * last; ports are kept, added from the free ones, or the last ones given back.
 */
export async function suggestAssignment(db: Executor, change: Amendment): Promise<{ placements: ApprovalPlacement[]; portIds: string[] }> {
  const next = needsOf(Object.entries(await targetQuantities(db, change)).map(([kind, quantity]) => ({ kind: kind as AmendableKind, quantity })));
  const held = await heldFrom(db, change.contract_id, change.effective_on);
  const racks = await siteRacks(db, change.site_id, { startOn: change.effective_on, endOn: null });
  const others = (rackId: string) => racks.find((r) => r.id === rackId)?.allocations.filter((a) => a.contract_id !== change.contract_id).map((a) => ({ first: a.first_u, last: a.last_u })) ?? [];
  let placements: ApprovalPlacement[] = held.allocations.map((a) => ({ rackId: a.rack_id, kind: a.kind, firstU: a.first_u, lastU: a.last_u, powerW: a.power_w }));

  // Whole racks: keep the first ones, give back the rest; place the missing ones.
  for (const kind of ["full_rack", "half_rack"] as const) {
    const want = kind === "full_rack" ? next.fullRacks : next.halfRacks;
    const have = placements.filter((p) => p.kind === kind);
    if (have.length > want) placements = placements.filter((p) => p.kind !== kind || have.indexOf(p) < want);
  }
  // Units: shrink from the top of the last blocks, or grow the blocks in place, else a new block.
  let units = placements.filter((p) => p.kind === "units").reduce((s, p) => s + p.lastU - p.firstU + 1, 0);
  for (const p of [...placements].reverse()) {
    if (p.kind !== "units" || units <= next.units) continue;
    const cut = Math.min(units - next.units, p.lastU - p.firstU + 1);
    units -= cut;
    if (cut === p.lastU - p.firstU + 1) placements = placements.filter((x) => x !== p);
    else p.lastU -= cut;
  }
  for (const p of placements) {
    if (p.kind !== "units" || units >= next.units) continue;
    const rack = racks.find((r) => r.id === p.rackId);
    if (!rack) continue;
    const run = freeRuns(rack.height_u, others(p.rackId)).find((r) => r.first <= p.firstU && r.last >= p.lastU);
    if (!run) continue;
    const up = Math.min(next.units - units, run.last - p.lastU);
    p.lastU += up;
    units += up;
    const down = Math.min(next.units - units, p.firstU - run.first);
    p.firstU -= down;
    units += down;
  }
  const missing = {
    units: Math.max(0, next.units - units),
    fullRacks: Math.max(0, next.fullRacks - placements.filter((p) => p.kind === "full_rack").length),
    halfRacks: Math.max(0, next.halfRacks - placements.filter((p) => p.kind === "half_rack").length),
  };
  if (missing.units + missing.fullRacks + missing.halfRacks > 0) {
    // Racks as they will be: other tenants' blocks plus this contract's adjusted ones.
    const states = racks.map((r) => {
      const s = toRackState(r);
      const mine = placements.filter((p) => p.rackId === r.id);
      return { ...s, taken: [...others(r.id), ...mine.map((p) => ({ first: p.firstU, last: p.lastU }))], committedW: s.committedW };
    });
    const added = placeRequest(states, { ...missing, powerW: 0 });
    placements.push(...added.placements.map((p: Placement) => ({ rackId: p.rackId, kind: p.kind, firstU: p.firstU, lastU: p.lastU, powerW: 0 })));
  }
  // Power: take back from the last slots, or add within each rack's headroom (the contract's own
  // power in that rack counts as free for it), the rest on the first slot.
  let power = placements.reduce((s, p) => s + p.powerW, 0);
  for (const p of [...placements].reverse()) {
    if (power <= next.powerW) break;
    const cut = Math.min(power - next.powerW, p.powerW);
    p.powerW -= cut;
    power -= cut;
  }
  for (const p of placements) {
    if (power >= next.powerW) break;
    const rack = racks.find((r) => r.id === p.rackId);
    const own = held.allocations.filter((a) => a.rack_id === p.rackId).reduce((s, a) => s + a.power_w, 0);
    const given = placements.filter((x) => x.rackId === p.rackId).reduce((s, x) => s + x.powerW, 0);
    const room = rack ? Math.max(0, rack.usableW - rack.committedW + own - given) : 0;
    const add = Math.min(next.powerW - power, room);
    p.powerW += add;
    power += add;
  }
  if (power < next.powerW && placements[0]) placements[0].powerW += next.powerW - power;

  let portIds = held.ports.map((p) => p.port_id).slice(0, next.ports);
  if (portIds.length < next.ports) {
    const free = (await sitePorts(db, change.site_id, { startOn: change.effective_on, endOn: null })).filter((p) => p.status === "active" && !p.allocation_id && !portIds.includes(p.id));
    portIds = [...portIds, ...free.slice(0, next.ports - portIds.length).map((p) => p.id)];
  }
  return { placements, portIds };
}

/**
 * What a downgrade gives back below the quantities signed with the contract, before the commitment's
 * end, and what the early-termination rule makes of it (compute.ts `earlyTermination`, from the
 * effective date to the commitment's last day), or null when nothing is due.
 */
export async function earlyRelease(db: Executor, change: Amendment) {
  if (!change.before_commitment_end) return null;
  const baseline = await committedQuantities(db, change.contract_id, change.start_on);
  const inForce = await versionsOn(db, change.contract_id, change.effective_on);
  const released = change.lines.flatMap((l) => {
    const v = inForce.find((x) => x.kind === l.kind);
    const givenBack = Math.min(l.quantity_before, baseline[l.kind as AmendableKind]) - l.quantity;
    return v && givenBack > 0 ? [{ kind: l.kind, name_fr: v.name_fr, name_en: v.name_en, quantity: givenBack, unit_price_minor: v.unit_price_minor, setup_fee_minor: 0 }] : [];
  });
  if (!released.length) return null;
  const early = earlyTermination({ startOn: change.start_on, endOn: addDays(change.effective_on, -1), termMonths: change.term_months, commitmentEndOn: change.commitment_ends_on, lines: released });
  return early ? { released, early } : null;
}

export type ApproveAmendmentError =
  | CapacityError
  | "not_found"
  | "not_pending"
  | "later_change_exists"
  | "placement_mismatch"
  | "power_mismatch"
  | "ports_mismatch"
  | "missing_price"
  | "not_active";

const same = (a: { rack_id: string; kind: string; first_u: number; last_u: number; power_w: number }, p: ApprovalPlacement) =>
  a.rack_id === p.rackId && a.kind === p.kind && a.first_u === p.firstU && a.last_u === p.lastU && a.power_w === p.powerW;

/**
 * An operator approves an amendment with the resources of the new state (`placements`, `portIds`:
 * the whole set from the effective date, as `suggestAssignment` proposes it). One transaction; a
 * refusal of the database (units taken, power or bandwidth exceeded, port taken) comes back as an
 * error value and the caller rolls back (`inTransactionOrRollback`), so a lost race writes nothing.
 */
export async function approveAmendment(
  trx: Trx,
  input: { changeId: string; placements: ApprovalPlacement[]; portIds: string[]; waiveEarlyRelease?: boolean; note?: string | null; actor: Actor; baseUrl?: string },
): Promise<{ ok: true; earlyReleaseMinor: number } | { ok: false; error: ApproveAmendmentError }> {
  if (!isUuid(input.changeId)) return { ok: false, error: "not_found" };
  const locked = await trx.selectFrom("contract_changes").select(["id", "status", "contract_id"]).where("id", "=", input.changeId).where("kind", "=", "amendment").forUpdate().executeTakeFirst();
  if (!locked) return { ok: false, error: "not_found" };
  if (locked.status !== "pending") return { ok: false, error: "not_pending" };
  await trx.selectFrom("contracts").select("id").where("id", "=", locked.contract_id).forUpdate().executeTakeFirstOrThrow();
  const change = (await getAmendment(trx, { operator: true }, input.changeId))!;
  const E = change.effective_on;
  const dayBefore = addDays(E, -1);
  if (change.end_on !== null && change.end_on < E) return { ok: false, error: "not_active" };
  const later = await trx.selectFrom("contract_lines").select("id").where("contract_id", "=", change.contract_id).where("valid_from", ">", E).executeTakeFirst();
  if (later) return { ok: false, error: "later_change_exists" };

  const target = await targetQuantities(trx, change);
  const need = needsOf(Object.entries(target).map(([kind, quantity]) => ({ kind: kind as AmendableKind, quantity })));
  const checked = await validateAssignment(trx, { siteId: change.site_id, need, placements: input.placements, portIds: input.portIds });
  if (!checked.ok) return { ok: false, error: checked.error === "wrong_site" ? "wrong_site" : checked.error };

  try {
    // 1. Line versions: the one in force ends the day before (or goes, if it starts that day).
    const inForce = await versionsOn(trx, change.contract_id, E);
    const waived = Boolean(input.waiveEarlyRelease);
    const release = waived ? null : await earlyRelease(trx, change);
    for (const l of change.lines) {
      const current = inForce.find((v) => v.kind === l.kind);
      let product = current && { id: current.product_id, name_fr: current.name_fr, name_en: current.name_en, unit_price_minor: current.unit_price_minor, setup_fee_minor: current.setup_fee_minor };
      if (!product) {
        const p = await trx.selectFrom("products").select(["id", "name_fr", "name_en", "unit_price_minor", "setup_fee_minor"]).where("site_id", "=", change.site_id).where("kind", "=", l.kind).where("is_active", "=", true).executeTakeFirst();
        if (!p) return { ok: false, error: "missing_price" };
        product = p;
      }
      if (current && current.valid_from >= E) await trx.deleteFrom("contract_lines").where("id", "=", current.id).execute();
      else if (current) await trx.updateTable("contract_lines").set({ valid_to: dayBefore }).where("id", "=", current.id).execute();
      await trx
        .insertInto("contract_lines")
        .values({
          contract_id: change.contract_id,
          product_id: product.id,
          kind: l.kind,
          name_fr: product.name_fr,
          name_en: product.name_en,
          quantity: l.quantity,
          unit_price_minor: product.unit_price_minor,
          setup_fee_minor: product.setup_fee_minor,
          currency: change.currency,
          valid_from: E,
          change_id: change.id,
        })
        .execute();
    }

    // 2. Resources: keep what is unchanged; end the rest the day before; add the new from E.
    //    Rack order (then port order), as approvals and terminations take their locks.
    const held = await heldFrom(trx, change.contract_id, E);
    const keptAllocations = new Set<string>();
    const toAdd: ApprovalPlacement[] = [];
    for (const p of input.placements) {
      const match = held.allocations.find((a) => !keptAllocations.has(a.id) && same(a, p));
      if (match) keptAllocations.add(match.id);
      else toAdd.push(p);
    }
    for (const a of held.allocations.filter((x) => !keptAllocations.has(x.id))) {
      if (a.start_on >= E) await trx.deleteFrom("allocations").where("id", "=", a.id).execute();
      else await trx.updateTable("allocations").set({ end_on: dayBefore }).where("id", "=", a.id).execute();
    }
    for (const p of toAdd.sort((a, b) => a.rackId.localeCompare(b.rackId) || a.firstU - b.firstU)) {
      await trx
        .insertInto("allocations")
        .values({ contract_id: change.contract_id, org_id: change.org_id, rack_id: p.rackId, kind: p.kind, first_u: p.firstU, last_u: p.lastU, start_on: E, end_on: change.end_on, power_w: p.powerW })
        .execute();
    }
    const keptPorts = new Set(held.ports.filter((p) => input.portIds.includes(p.port_id)).map((p) => p.port_id));
    for (const p of held.ports.filter((x) => !keptPorts.has(x.port_id))) {
      if (p.start_on >= E) await trx.deleteFrom("port_allocations").where("id", "=", p.id).execute();
      else await trx.updateTable("port_allocations").set({ end_on: dayBefore }).where("id", "=", p.id).execute();
    }
    for (const portId of input.portIds.filter((id) => !keptPorts.has(id)).sort()) {
      await trx.insertInto("port_allocations").values({ contract_id: change.contract_id, org_id: change.org_id, port_id: portId, start_on: E, end_on: change.end_on }).execute();
    }

    // 3. What is given back before the commitment's end: the early-termination rule on it.
    const early = release?.early;
    if (release && early && early.amountMinor > 0) {
      const what = release.released.map((r) => `${r.name_fr} −${r.quantity}`).join(", ");
      await trx
        .insertInto("one_off_charges")
        .values({
          contract_id: change.contract_id,
          org_id: change.org_id,
          kind: "other",
          charged_on: E,
          quantity: "1",
          unit_price_minor: early.amountMinor,
          amount_minor: early.amountMinor,
          description: `Restitution avant la fin de l'engagement / Early release (${what}), du ${early.fromOn} au ${early.toOn}`.slice(0, 500),
          created_by: input.actor.id,
        })
        .execute();
    }

    await trx
      .updateTable("contract_changes")
      .set({ status: "applied", decided_by: input.actor.id, decided_at: new Date(), decision_note: input.note?.trim() || null, waive_early_release: waived })
      .where("id", "=", change.id)
      .execute();
    await recordAudit(trx, {
      actor: input.actor,
      action: "contract.amendment_applied",
      entityType: "contract",
      entityId: change.contract_id,
      orgId: change.org_id,
      before: { lines: change.lines.map((l) => ({ kind: l.kind, quantity: l.quantity_before })), allocations: held.allocations.map((a) => ({ rack: a.rack_name, first_u: a.first_u, last_u: a.last_u, power_w: a.power_w })) },
      after: { change_id: change.id, effective_on: E, lines: change.lines.map((l) => ({ kind: l.kind, quantity: l.quantity })), placements: input.placements, ports: input.portIds, early_release_minor: early?.amountMinor ?? 0, waived },
    });
    for (const to of await orgManagers(trx, change.org_id)) {
      await enqueueEmail(trx, {
        to: to.email,
        locale: to.locale,
        message: {
          template: "amendment_applied",
          props: { ...(await contractNames(trx, change.contract_id)), effectiveOn: E, changes: describe(change.lines.map((l) => ({ kind: l.kind, before: l.quantity_before, after: l.quantity })), to.locale), text: input.note ?? null, url: `${linkBase(input.baseUrl)}/app/services/${change.contract_id}` },
        },
      });
    }
    return { ok: true, earlyReleaseMinor: early?.amountMinor ?? 0 };
  } catch (error) {
    const code = capacityErrorOf(error);
    if (code) return { ok: false, error: code };
    throw error;
  }
}

/** An operator declines an amendment with a reason the tenant reads (its owners and admins, by e-mail). */
export async function rejectAmendment(trx: Trx, input: { changeId: string; reason: string; actor: Actor; baseUrl?: string }): Promise<{ ok: true } | { ok: false; error: "not_found" | "not_pending" }> {
  if (!isUuid(input.changeId)) return { ok: false, error: "not_found" };
  const row = await trx
    .updateTable("contract_changes")
    .set({ status: "rejected", decided_by: input.actor.id, decided_at: new Date(), decision_note: input.reason })
    .where("id", "=", input.changeId)
    .where("kind", "=", "amendment")
    .where("status", "=", "pending")
    .returning(["contract_id", "org_id", "effective_on"])
    .executeTakeFirst();
  if (!row) {
    const exists = await trx.selectFrom("contract_changes").select("id").where("id", "=", input.changeId).where("kind", "=", "amendment").executeTakeFirst();
    return { ok: false, error: exists ? "not_pending" : "not_found" };
  }
  await recordAudit(trx, { actor: input.actor, action: "contract.amendment_rejected", entityType: "contract", entityId: row.contract_id, orgId: row.org_id, after: { change_id: input.changeId, reason: input.reason } });
  const lines = await trx.selectFrom("contract_change_lines").select(["kind", "quantity_before", "quantity"]).where("change_id", "=", input.changeId).execute();
  for (const to of await orgManagers(trx, row.org_id)) {
    await enqueueEmail(trx, {
      to: to.email,
      locale: to.locale,
      message: {
        template: "amendment_rejected",
        props: { ...(await contractNames(trx, row.contract_id)), effectiveOn: row.effective_on ?? "", changes: describe(lines.map((l) => ({ kind: l.kind, before: l.quantity_before, after: l.quantity })), to.locale), text: input.reason, url: `${linkBase(input.baseUrl)}/app/services/${row.contract_id}` },
      },
    });
  }
  return { ok: true };
}

/** A tenant withdraws its pending amendment. */
export async function cancelAmendment(trx: Trx, input: { orgId: string; changeId: string; actor: Actor }): Promise<boolean> {
  if (!isUuid(input.changeId)) return false;
  const row = await trx
    .updateTable("contract_changes")
    .set({ status: "rejected", decided_by: input.actor.id, decided_at: new Date(), decision_note: "withdrawn" })
    .where("id", "=", input.changeId)
    .where("org_id", "=", input.orgId)
    .where("kind", "=", "amendment")
    .where("status", "=", "pending")
    .returning(["contract_id"])
    .executeTakeFirst();
  if (!row) return false;
  await recordAudit(trx, { actor: input.actor, action: "contract.amendment_withdrawn", entityType: "contract", entityId: row.contract_id, orgId: input.orgId, after: { change_id: input.changeId } });
  return true;
}

/** Pending amendments, oldest first, for the operators' queue. */
export async function pendingAmendments(db: Executor) {
  const rows = await db
    .selectFrom("contract_changes as ch")
    .innerJoin("contracts as c", "c.id", "ch.contract_id")
    .innerJoin("organisations as o", "o.id", "ch.org_id")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .select(["ch.id", "ch.contract_id", "ch.effective_on", "ch.before_commitment_end", "ch.requested_at", "o.name as org_name", "s.code as site_code"])
    .where("ch.kind", "=", "amendment")
    .where("ch.status", "=", "pending")
    .orderBy("ch.requested_at")
    .execute();
  const lines = rows.length ? await db.selectFrom("contract_change_lines").select(["change_id", "kind", "quantity_before", "quantity"]).where("change_id", "in", rows.map((r) => r.id)).execute() : [];
  return rows.map((r) => ({ ...r, lines: lines.filter((l) => l.change_id === r.id) }));
}

/** The amendment of a contract that waits for the operators, with its lines, or null. */
export async function pendingAmendmentOf(db: Executor, contractId: string) {
  const row = await db
    .selectFrom("contract_changes")
    .select(["id", "effective_on"])
    .where("contract_id", "=", contractId)
    .where("kind", "=", "amendment")
    .where("status", "=", "pending")
    .executeTakeFirst();
  if (!row?.effective_on) return null;
  const lines = await db.selectFrom("contract_change_lines").select(["kind", "quantity_before", "quantity"]).where("change_id", "=", row.id).execute();
  return { id: row.id, effectiveOn: row.effective_on, lines };
}
