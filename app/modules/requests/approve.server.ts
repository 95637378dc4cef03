import type { Trx } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { authorStillMember, orgManagers, uniqueRecipients, type Recipient } from "~/modules/email/recipients.server";
import { capacityErrorOf, type CapacityError } from "~/modules/inventory/constraint-errors";
import { halfRackUnits, type SpaceKind } from "~/modules/inventory/placement";
import { isUuid } from "~/modules/orgs/organisations.server";
import { t, type Locale } from "~/i18n";
import { needsOf, shortRef } from "./requests.server";
import { freezeContractLines } from "./contracts.server";

export interface ApprovalPlacement {
  rackId: string;
  kind: SpaceKind;
  firstU: number;
  lastU: number;
  powerW: number;
}

export interface ApproveInput {
  requestId: string;
  startOn: string;
  placements: ApprovalPlacement[];
  portIds: string[];
  actor: Actor;
  baseUrl: string;
}

export type ApproveError =
  | CapacityError
  | "not_found"
  | "not_pending"
  | "org_not_verified"
  | "placement_mismatch"
  | "power_mismatch"
  | "ports_mismatch"
  | "wrong_site"
  | "missing_price";

/**
 * Approve a request by assigning concrete resources. In one transaction: the contract with prices
 * frozen from today's price list, its allocations and port allocations, the request marked
 * approved, the audit entry and the tenant's e-mail. The database refuses any oversell (exclusion
 * constraints, rack/site row locks in triggers); such a refusal comes back as an error value and
 * the caller rolls the transaction back (`inTransactionOrRollback`), so a lost race writes nothing.
 */
export async function approveRequest(
  trx: Trx,
  input: ApproveInput,
): Promise<{ ok: true; contractId: string } | { ok: false; error: ApproveError; held?: HeldUnits }> {
  if (!isUuid(input.requestId)) return { ok: false, error: "not_found" };
  const request = await trx
    .selectFrom("requests as r")
    .innerJoin("organisations as o", "o.id", "r.org_id")
    .innerJoin("sites as s", "s.id", "r.site_id")
    .select(["r.id", "r.org_id", "r.site_id", "r.status", "r.term_months", "r.created_by", "o.status as org_status", "o.name as org_name", "s.name as site_name", "s.currency"])
    .where("r.id", "=", input.requestId)
    .forUpdate("r")
    .executeTakeFirst();
  if (!request) return { ok: false, error: "not_found" };
  if (request.status !== "pending") return { ok: false, error: "not_pending" };
  if (request.org_status !== "verified") return { ok: false, error: "org_not_verified" };

  const lines = await trx.selectFrom("request_lines").select(["kind", "quantity"]).where("request_id", "=", request.id).execute();
  const need = needsOf(lines);

  const checked = await validateAssignment(trx, { siteId: request.site_id, need, placements: input.placements, portIds: input.portIds });
  if (!checked.ok) return { ok: false, error: checked.error };
  const racks = checked.racks;
  // Units already held (by this tenant's own contract, or another's): say by which contract,
  // rather than "just allocated to another request". A true race still ends in the constraint below.
  for (const p of input.placements) {
    const held = await heldUnits(trx, p, input.startOn, request.org_id);
    if (held) return { ok: false, error: "units_taken", held };
  }

  try {
    const contract = await trx
      .insertInto("contracts")
      .values({
        org_id: request.org_id,
        site_id: request.site_id,
        request_id: request.id,
        start_on: input.startOn,
        end_on: null,
        term_months: request.term_months,
        approved_by: input.actor.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const frozen = await freezeContractLines(trx, { contractId: contract.id, siteId: request.site_id, currency: request.currency, validFrom: input.startOn, lines });
    if (!frozen.ok) return { ok: false, error: "missing_price" };
    // Insert in rack order so concurrent approvals take the rack locks in the same order.
    for (const p of [...input.placements].sort((a, b) => a.rackId.localeCompare(b.rackId) || a.firstU - b.firstU)) {
      await trx
        .insertInto("allocations")
        .values({
          contract_id: contract.id,
          org_id: request.org_id,
          rack_id: p.rackId,
          kind: p.kind,
          first_u: p.firstU,
          last_u: p.lastU,
          start_on: input.startOn,
          end_on: null,
          power_w: p.powerW,
        })
        .execute();
    }
    for (const portId of [...input.portIds].sort()) {
      await trx.insertInto("port_allocations").values({ contract_id: contract.id, org_id: request.org_id, port_id: portId, start_on: input.startOn, end_on: null }).execute();
    }
    await trx.updateTable("requests").set({ status: "approved", decided_by: input.actor.id, decided_at: new Date() }).where("id", "=", request.id).execute();
    await recordAudit(trx, {
      actor: input.actor,
      action: "request.approved",
      entityType: "request",
      entityId: request.id,
      orgId: request.org_id,
      before: { status: "pending" },
      after: { status: "approved", contract_id: contract.id, start_on: input.startOn, placements: input.placements, ports: input.portIds },
    });

    for (const to of await decisionRecipients(trx, request.org_id, request.created_by)) {
      const locale: Locale = to.locale;
      await enqueueEmail(trx, {
        to: to.email,
        locale,
        message: {
          template: "request_approved",
          props: {
            orgName: request.org_name,
            siteName: request.site_name,
            requestRef: shortRef(request.id),
            startOn: input.startOn,
            allocations: [
              ...input.placements.map((p) => {
                const rack = racks.find((r) => r.id === p.rackId)!;
                return t(locale, "approvals.allocationLabel", { rack: rack.name, room: rack.room_name, first: p.firstU, last: p.lastU });
              }),
              ...(input.portIds.length ? [t(locale, "approvals.portsLabel", { count: input.portIds.length })] : []),
            ],
            monthlyMinor: frozen.monthlyMinor,
            currency: request.currency,
            url: `${input.baseUrl}/app/services/${contract.id}`,
          },
        },
      });
    }
    return { ok: true, contractId: contract.id };
  } catch (error) {
    const code = capacityErrorOf(error);
    if (code) return { ok: false, error: code };
    throw error;
  }
}

/**
 * Does an assignment of concrete resources match what is needed (count of full racks, half racks
 * and units, total power, number of distinct ports), all at the site, half racks of the rack's half?
 * Whether they are free is for the database to say. Shared by approvals and amendments.
 */
export async function validateAssignment(
  trx: Trx,
  input: { siteId: string; need: ReturnType<typeof needsOf>; placements: ApprovalPlacement[]; portIds: string[] },
): Promise<{ ok: true; racks: { id: string; name: string; height_u: number; site_id: string; room_name: string }[] } | { ok: false; error: "placement_mismatch" | "power_mismatch" | "ports_mismatch" | "wrong_site" }> {
  const { need } = input;
  const count = (kind: SpaceKind) => input.placements.filter((p) => p.kind === kind);
  const units = count("units").reduce((s, p) => s + (p.lastU - p.firstU + 1), 0);
  if (count("full_rack").length !== need.fullRacks || count("half_rack").length !== need.halfRacks || units !== need.units) {
    return { ok: false, error: "placement_mismatch" };
  }
  if (input.placements.reduce((s, p) => s + p.powerW, 0) !== need.powerW) return { ok: false, error: "power_mismatch" };
  if (new Set(input.portIds).size !== need.ports || input.portIds.length !== need.ports) return { ok: false, error: "ports_mismatch" };

  const rackIds = [...new Set(input.placements.map((p) => p.rackId))].sort();
  const racks = rackIds.length && rackIds.every(isUuid)
    ? await trx
        .selectFrom("racks as r")
        .innerJoin("rooms as m", "m.id", "r.room_id")
        .select(["r.id", "r.name", "r.height_u", "m.site_id", "m.name as room_name"])
        .where("r.id", "in", rackIds)
        .execute()
    : [];
  if (racks.length !== rackIds.length || racks.some((r) => r.site_id !== input.siteId)) return { ok: false, error: "wrong_site" };
  for (const p of input.placements) {
    const rack = racks.find((r) => r.id === p.rackId)!;
    if (p.kind === "half_rack" && p.lastU - p.firstU + 1 !== halfRackUnits(rack.height_u)) return { ok: false, error: "placement_mismatch" };
  }
  if (input.portIds.length) {
    const ports = input.portIds.every(isUuid)
      ? await trx.selectFrom("cross_connect_ports").select(["id", "site_id"]).where("id", "in", input.portIds).execute()
      : [];
    if (ports.length !== input.portIds.length || ports.some((p) => p.site_id !== input.siteId)) return { ok: false, error: "wrong_site" };
  }
  return { ok: true, racks };
}

/** Units of a rack that a contract already holds, as the operator's error names them. */
export interface HeldUnits {
  rack: string;
  firstU: number;
  lastU: number;
  contractId: string;
  contractRef: string;
  /** The holder is the requesting organisation itself (an earlier contract of the same tenant). */
  sameOrg: boolean;
  orgName: string;
  /** The holder's first day on these units (YYYY-MM-DD). */
  fromOn: string;
}

/**
 * The first allocation that overlaps a placement: same rack, shared units, and a period that meets
 * the new one (open-ended from `startOn`, like every approved allocation).
 */
async function heldUnits(trx: Trx, p: ApprovalPlacement, startOn: string, orgId: string): Promise<HeldUnits | undefined> {
  const row = await trx
    .selectFrom("allocations as a")
    .innerJoin("racks as r", "r.id", "a.rack_id")
    .innerJoin("organisations as o", "o.id", "a.org_id")
    .select(["a.contract_id", "a.org_id", "a.first_u", "a.last_u", "a.start_on", "r.name as rack_name", "o.name as org_name"])
    .where("a.rack_id", "=", p.rackId)
    .where("a.first_u", "<=", p.lastU)
    .where("a.last_u", ">=", p.firstU)
    .where((eb) => eb.or([eb("a.end_on", "is", null), eb("a.end_on", ">=", startOn)]))
    .orderBy("a.first_u")
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    rack: row.rack_name,
    firstU: Math.max(row.first_u, p.firstU),
    lastU: Math.min(row.last_u, p.lastU),
    contractId: row.contract_id,
    contractRef: shortRef(row.contract_id),
    sameOrg: row.org_id === orgId,
    orgName: row.org_name,
    fromOn: row.start_on,
  };
}

/** Who hears of a decision on a request: the organisation's owners and admins, and the request's author. */
async function decisionRecipients(trx: Trx, orgId: string, authorId: string | null): Promise<Recipient[]> {
  const author = authorId ? await authorStillMember(trx, orgId, authorId) : undefined;
  return uniqueRecipients([author], await orgManagers(trx, orgId));
}

/** Reject a pending request with a reason the tenant will read (its owners, admins and author, by e-mail). */
export async function rejectRequest(
  trx: Trx,
  input: { requestId: string; reason: string; actor: Actor; baseUrl: string },
): Promise<{ ok: true } | { ok: false; error: "not_found" | "not_pending" }> {
  if (!isUuid(input.requestId)) return { ok: false, error: "not_found" };
  const request = await trx
    .selectFrom("requests as r")
    .innerJoin("organisations as o", "o.id", "r.org_id")
    .innerJoin("sites as s", "s.id", "r.site_id")
    .select(["r.id", "r.status", "r.org_id", "r.created_by", "o.name as org_name", "s.name as site_name"])
    .where("r.id", "=", input.requestId)
    .forUpdate("r")
    .executeTakeFirst();
  if (!request) return { ok: false, error: "not_found" };
  if (request.status !== "pending") return { ok: false, error: "not_pending" };
  await trx
    .updateTable("requests")
    .set({ status: "rejected", rejection_reason: input.reason, decided_by: input.actor.id, decided_at: new Date() })
    .where("id", "=", request.id)
    .execute();
  await recordAudit(trx, { actor: input.actor, action: "request.rejected", entityType: "request", entityId: request.id, orgId: request.org_id, before: { status: "pending" }, after: { status: "rejected", reason: input.reason } });
  for (const to of await decisionRecipients(trx, request.org_id, request.created_by)) {
    await enqueueEmail(trx, {
      to: to.email,
      locale: to.locale,
      message: {
        template: "request_rejected",
        props: { orgName: request.org_name, siteName: request.site_name, requestRef: shortRef(request.id), reason: input.reason, url: `${input.baseUrl}/app/requests/${request.id}` },
      },
    });
  }
  return { ok: true };
}
