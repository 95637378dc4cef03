/**
 * Cross-connect orders: the use-cases (each in the caller's transaction, answering a result for
 * every expected refusal) and the queries of the tenant and operator pages.
 *
 * Who may do what:
 * - the A organisation (its owners, admins and technical members, `crossconnects:order`) orders
 *   from one of its live contracts, cancels before installation, asks for the removal;
 * - the Z organisation (same roles) accepts with one of its live contracts at the same site and its
 *   position, or declines with a reason; asks for the removal once installed;
 * - operators (`requests:approve`) assign the ports, record the installation with a test result,
 *   reject with a reason, and confirm a removal with its date. Every step is audited.
 * An order another organisation is neither A nor Z of is "not found", whatever the action.
 *
 * Races and double submissions: each state change locks the order row (`FOR UPDATE`) and checks its
 * state under the lock, so a second click finds the state already moved (`wrong_state`); the order
 * form carries a key (`client_key`) so a form submitted twice records one order; the database's
 * triggers and the port exclusion constraint refuse whatever slips through, mapped to the same codes.
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { CrossConnectMedia, CrossConnectStatus, TenantRole } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { tenantCan } from "~/modules/auth/permissions";
import { actorName, recordAudit, type Actor, type TenantActor } from "~/modules/audit/audit.server";
import { refusalAsResult } from "~/utils/db.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { linkBase, operatorsWhoCan, orgManagers, uniqueRecipients, type Recipient } from "~/modules/email/recipients.server";
import type { CrossConnectTemplate } from "#emails/cross-connect";
import { isUuid } from "~/utils/ids";
import { dayIn } from "~/utils/dates";
import { crossConnectErrorOf, type CrossConnectError } from "./errors";
import { orderRef } from "./shared";

export type { TenantActor };
export type Result<T = object> = ({ ok: true } & T) | { ok: false; error: CrossConnectError };

const fail = (error: CrossConnectError) => ({ ok: false as const, error });

/** Run a write; a refusal the database names becomes a result, anything else is rethrown. */
const attempt = <T>(write: () => Promise<T>) => refusalAsResult(crossConnectErrorOf, write);

/** The day after `date` + `days` (calendar arithmetic in UTC on a `YYYY-MM-DD`). */
function addDays(date: string, days: number) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The furthest ahead an operator may date a removal. */
export const REMOVAL_MAX_DAYS_AHEAD = 90;

// ---------------------------------------------------------------------------------------------
// Reading

/** Orders with their parties' names, site and ports: the one select every page starts from. */
function ordersQuery(db: Executor) {
  return db
    .selectFrom("cross_connect_orders as x")
    .innerJoin("sites as s", "s.id", "x.site_id")
    .innerJoin("organisations as a", "a.id", "x.org_id")
    .leftJoin("organisations as z", "z.id", "x.z_org_id")
    .leftJoin("carriers as k", "k.id", "x.carrier_id")
    .select([
      "x.id",
      "x.org_id",
      "x.contract_id",
      "x.site_id",
      "x.z_kind",
      "x.carrier_id",
      "x.z_org_id",
      "x.z_contract_id",
      "x.media",
      "x.a_position",
      "x.z_position",
      "x.notes",
      "x.status",
      "x.monthly_price_minor",
      "x.setup_fee_minor",
      "x.currency",
      "x.requested_at",
      "x.accepted_at",
      "x.rejected_side",
      "x.rejected_at",
      "x.rejection_reason",
      "x.cancelled_at",
      "x.ports_assigned_on",
      "x.installed_on",
      "x.test_result",
      "x.removal_requested_side",
      "x.removal_requested_at",
      "x.removed_on",
      "x.updated_at",
      "s.code as site_code",
      "s.name as site_name",
      "s.time_zone",
      "a.name as a_org_name",
      "a.tax_id as a_org_tax_id",
      sql<string>`coalesce(k.name, z.name)`.as("z_name"),
      "z.tax_id as z_org_tax_id",
    ]);
}

export type OrderRow = Awaited<ReturnType<ReturnType<typeof ordersQuery>["executeTakeFirstOrThrow"]>>;

async function portsOf(db: Executor, orderIds: string[]) {
  if (!orderIds.length) return [];
  return db
    .selectFrom("port_allocations as pa")
    .innerJoin("cross_connect_ports as p", "p.id", "pa.port_id")
    .innerJoin("rooms as m", "m.id", "p.room_id")
    .select(["pa.cross_connect_order_id as order_id", "pa.cross_connect_side as side", "p.id as port_id", "p.name", "p.media", "m.name as room_name", "pa.start_on", "pa.end_on"])
    .where("pa.cross_connect_order_id", "in", orderIds)
    .orderBy("pa.cross_connect_side")
    .execute();
}

export type OrderPort = Awaited<ReturnType<typeof portsOf>>[number];

function withPorts<T extends { id: string }>(rows: T[], ports: OrderPort[]) {
  return rows.map((r) => ({
    ...r,
    ref: orderRef(r.id),
    aPort: ports.find((p) => p.order_id === r.id && p.side === "a") ?? null,
    zPort: ports.find((p) => p.order_id === r.id && p.side === "z") ?? null,
  }));
}

/** The orders an organisation is a party to (A or Z), newest first; optionally those of one of its contracts. */
export async function listForTenant(db: Executor, input: { orgId: string; contractId?: string }) {
  let query = ordersQuery(db).where((eb) => eb.or([eb("x.org_id", "=", input.orgId), eb("x.z_org_id", "=", input.orgId)]));
  if (input.contractId) {
    if (!isUuid(input.contractId)) return [];
    const contractId = input.contractId;
    query = query.where((eb) =>
      eb.or([eb.and([eb("x.org_id", "=", input.orgId), eb("x.contract_id", "=", contractId)]), eb.and([eb("x.z_org_id", "=", input.orgId), eb("x.z_contract_id", "=", contractId)])]),
    );
  }
  const rows = await query.orderBy("x.requested_at", "desc").orderBy("x.id").execute();
  const list = withPorts(rows, await portsOf(db, rows.map((r) => r.id)));
  return list.map((o) => ({ ...o, side: (o.org_id === input.orgId ? "a" : "z") as "a" | "z" }));
}

/** One order as a party sees it (A or Z), or undefined: another organisation's order is not found. */
export async function getForTenant(db: Executor, input: { orgId: string; orderId: string }) {
  if (!isUuid(input.orderId)) return undefined;
  const row = await ordersQuery(db)
    .where("x.id", "=", input.orderId)
    .where((eb) => eb.or([eb("x.org_id", "=", input.orgId), eb("x.z_org_id", "=", input.orgId)]))
    .executeTakeFirst();
  if (!row) return undefined;
  const [order] = withPorts([row], await portsOf(db, [row.id]));
  return { ...order, side: (row.org_id === input.orgId ? "a" : "z") as "a" | "z" };
}

/** One order for the operators. */
export async function getForOperator(db: Executor, orderId: string) {
  if (!isUuid(orderId)) return undefined;
  const row = await ordersQuery(db).where("x.id", "=", orderId).executeTakeFirst();
  if (!row) return undefined;
  return withPorts([row], await portsOf(db, [row.id]))[0];
}

/** The operators' list: by default what still expects something, oldest first; or one status. */
export async function listForOperators(db: Executor, input: { status?: CrossConnectStatus | "open" | "all"; siteCode?: string } = {}) {
  let query = ordersQuery(db);
  const status = input.status ?? "open";
  if (status === "open") query = query.where("x.status", "in", ["pending_acceptance", "ordered", "removal_requested"]);
  else if (status !== "all") query = query.where("x.status", "=", status);
  if (input.siteCode) query = query.where("s.code", "=", input.siteCode);
  const rows = await query.orderBy("x.requested_at", status === "open" ? "asc" : "desc").orderBy("x.id").limit(500).execute();
  return withPorts(rows, await portsOf(db, rows.map((r) => r.id)));
}

/**
 * What the order form offers for one of the organisation's contracts: the contract (undefined when
 * not the organisation's), whether it is live, the carriers listed at its site, the other verified
 * organisations with a live contract there, and the price that would be frozen.
 */
export async function orderFormOptions(db: Executor, input: { orgId: string; contractId: string; now?: Date }) {
  if (!isUuid(input.contractId)) return undefined;
  const contract = await db
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .select(["c.id", "c.site_id", "c.start_on", "c.end_on", "s.code as site_code", "s.name as site_name", "s.time_zone", "s.currency"])
    .where("c.id", "=", input.contractId)
    .where("c.org_id", "=", input.orgId)
    .executeTakeFirst();
  if (!contract) return undefined;
  const today = dayIn(contract.time_zone, input.now);
  const [carriers, tenants, price] = await Promise.all([
    db.selectFrom("carriers").select(["id", "name"]).where("site_id", "=", contract.site_id).where("is_active", "=", true).orderBy("name").execute(),
    liveTenantsAt(db, { siteId: contract.site_id, today, excludeOrgId: input.orgId }),
    activePrice(db, contract.site_id),
  ]);
  return {
    contract: { ...contract, live: contract.end_on === null || contract.end_on >= today },
    carriers,
    tenants,
    price: price ?? null,
    /** A fresh key for the form: submitting it twice records one order. */
    clientKey: randomUUID(),
  };
}

async function liveTenantsAt(db: Executor, input: { siteId: string; today: string; excludeOrgId?: string; orgId?: string }) {
  let query = db
    .selectFrom("organisations as o")
    .select(["o.id", "o.name"])
    .where("o.status", "=", "verified")
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("contracts as c")
          .select("c.id")
          .whereRef("c.org_id", "=", "o.id")
          .where("c.site_id", "=", input.siteId)
          .where((w) => w.or([w("c.end_on", "is", null), w("c.end_on", ">=", input.today)])),
      ),
    );
  if (input.excludeOrgId) query = query.where("o.id", "<>", input.excludeOrgId);
  if (input.orgId) query = query.where("o.id", "=", input.orgId);
  return query.orderBy("o.name").orderBy("o.id").execute();
}

async function activePrice(db: Executor, siteId: string) {
  return db
    .selectFrom("products")
    .select(["id", "unit_price_minor", "setup_fee_minor"])
    .where("site_id", "=", siteId)
    .where("kind", "=", "cross_connect")
    .where("is_active", "=", true)
    .executeTakeFirst();
}

/** The Z organisation's live contracts at the order's site (what it may accept with). */
export async function zContractsFor(db: Executor, input: { orgId: string; siteId: string; now?: Date }) {
  const site = await db.selectFrom("sites").select("time_zone").where("id", "=", input.siteId).executeTakeFirstOrThrow();
  const today = dayIn(site.time_zone, input.now);
  return db
    .selectFrom("contracts")
    .select(["id", "start_on", "end_on"])
    .where("org_id", "=", input.orgId)
    .where("site_id", "=", input.siteId)
    .where((eb) => eb.or([eb("end_on", "is", null), eb("end_on", ">=", today)]))
    .orderBy("start_on")
    .orderBy("id")
    .execute();
}

/** Ports of the order's site and media that are free from `today` on, for the assignment form (with the order's own). */
export async function portChoices(db: Executor, input: { siteId: string; media: CrossConnectMedia; orderId: string; today: string }) {
  const rows = await db
    .selectFrom("cross_connect_ports as p")
    .innerJoin("rooms as m", "m.id", "p.room_id")
    .select(["p.id", "p.name", "p.status", "m.name as room_name", "m.kind as room_kind"])
    .where("p.site_id", "=", input.siteId)
    .where("p.media", "=", input.media)
    .where("p.status", "=", "active")
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("port_allocations as pa")
            .select("pa.id")
            .whereRef("pa.port_id", "=", "p.id")
            .where(sql<boolean>`pa.during && daterange(${input.today}::date, NULL, '[]')`)
            .where((w) => w.or([w("pa.cross_connect_order_id", "is", null), w("pa.cross_connect_order_id", "<>", input.orderId)])),
        ),
      ),
    )
    .orderBy("p.name")
    .execute();
  return rows;
}

// ---------------------------------------------------------------------------------------------
// E-mails

/** The members who handle cross-connects for an organisation: owners, admins, technical members. */
const technicalContacts = (db: Executor, orgId: string) => orgManagers(db, orgId, ["owner", "admin", "technical"]);

async function notify(
  trx: Trx,
  input: { order: OrderRow; template: CrossConnectTemplate; to: Recipient[]; area: "app" | "ops"; baseUrl?: string; date?: string | null; text?: string | null; actorName?: string | null },
) {
  const url = `${linkBase(input.baseUrl)}/${input.area}/cross-connects/${input.order.id}`;
  for (const r of uniqueRecipients(input.to)) {
    await enqueueEmail(trx, {
      to: r.email,
      locale: r.locale,
      message: {
        template: input.template,
        props: {
          reference: orderRef(input.order.id),
          siteName: input.order.site_name,
          aOrgName: input.order.a_org_name,
          zName: input.order.z_name,
          media: input.order.media,
          date: input.date ?? null,
          text: input.text ?? null,
          actorName: input.actorName ?? null,
          url,
        },
      },
    });
  }
}

/** The order row, locked, with its names (the lock first: `FOR UPDATE` of the order only). */
async function lockOrder(trx: Trx, orderId: string) {
  if (!isUuid(orderId)) return undefined;
  const locked = await trx.selectFrom("cross_connect_orders").select("id").where("id", "=", orderId).forUpdate().executeTakeFirst();
  if (!locked) return undefined;
  return ordersQuery(trx).where("x.id", "=", orderId).executeTakeFirstOrThrow();
}

// ---------------------------------------------------------------------------------------------
// Tenants

export interface OrderInput {
  actor: TenantActor;
  contractId: string;
  zKind: "carrier" | "tenant";
  carrierId?: string;
  zOrgId?: string;
  media: CrossConnectMedia;
  aPosition: string;
  notes?: string;
  /** The form's key: the same key twice records one order. */
  clientKey?: string;
  baseUrl?: string;
  now?: Date;
}

/**
 * The A organisation orders a cross-connect from one of its live contracts. The price and setup fee
 * are frozen from the site's active cross-connect product. A tenant link waits for the Z side's
 * answer (its technical contacts are e-mailed); a carrier link goes straight to the operators.
 */
export async function orderCrossConnect(trx: Trx, input: OrderInput): Promise<Result<{ orderId: string; repeated?: boolean }>> {
  if (!tenantCan(input.actor.role, "crossconnects:order")) return fail("not_allowed");
  if (!isUuid(input.contractId)) return fail("not_found");
  const contract = await trx
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .select(["c.id", "c.site_id", "c.end_on", "s.time_zone", "s.currency"])
    .where("c.id", "=", input.contractId)
    .where("c.org_id", "=", input.actor.orgId)
    .forShare("c")
    .executeTakeFirst();
  if (!contract) return fail("not_found");
  if (input.clientKey && isUuid(input.clientKey)) {
    const earlier = await trx.selectFrom("cross_connect_orders").select("id").where("org_id", "=", input.actor.orgId).where("client_key", "=", input.clientKey).executeTakeFirst();
    if (earlier) return { ok: true, orderId: earlier.id, repeated: true };
  }
  const today = dayIn(contract.time_zone, input.now);
  if (contract.end_on !== null && contract.end_on < today) return fail("contract_not_active");

  let carrierId: string | null = null;
  let zOrgId: string | null = null;
  if (input.zKind === "carrier") {
    if (!input.carrierId || !isUuid(input.carrierId)) return fail("carrier_inactive");
    const carrier = await trx.selectFrom("carriers").select(["id", "is_active"]).where("id", "=", input.carrierId).where("site_id", "=", contract.site_id).executeTakeFirst();
    if (!carrier || !carrier.is_active) return fail("carrier_inactive");
    carrierId = carrier.id;
  } else {
    if (!input.zOrgId || !isUuid(input.zOrgId)) return fail("z_not_at_site");
    if (input.zOrgId === input.actor.orgId) return fail("same_org");
    const [z] = await liveTenantsAt(trx, { siteId: contract.site_id, today, orgId: input.zOrgId });
    if (!z) return fail("z_not_at_site");
    zOrgId = z.id;
  }
  const price = await activePrice(trx, contract.site_id);
  if (!price) return fail("no_price");

  const inserted = await attempt(() =>
    trx
      .insertInto("cross_connect_orders")
      .values({
        org_id: input.actor.orgId,
        contract_id: contract.id,
        site_id: contract.site_id,
        z_kind: input.zKind,
        carrier_id: carrierId,
        z_org_id: zOrgId,
        media: input.media,
        a_position: input.aPosition,
        notes: input.notes ?? null,
        status: input.zKind === "tenant" ? "pending_acceptance" : "ordered",
        product_id: price.id,
        monthly_price_minor: price.unit_price_minor,
        setup_fee_minor: price.setup_fee_minor,
        currency: contract.currency,
        client_key: input.clientKey && isUuid(input.clientKey) ? input.clientKey : null,
        requested_by: input.actor.id,
      })
      .onConflict((oc) => oc.columns(["org_id", "client_key"]).doNothing())
      .returning("id")
      .executeTakeFirst(),
  );
  if (!inserted.ok) return inserted;
  if (!inserted.value) {
    // The same form, submitted at the same moment by a second request: its order stands.
    const earlier = await trx.selectFrom("cross_connect_orders").select("id").where("org_id", "=", input.actor.orgId).where("client_key", "=", input.clientKey!).executeTakeFirstOrThrow();
    return { ok: true, orderId: earlier.id, repeated: true };
  }
  const orderId = inserted.value.id;
  const order = await ordersQuery(trx).where("x.id", "=", orderId).executeTakeFirstOrThrow();
  await recordAudit(trx, {
    actor: input.actor,
    action: "crossconnect.ordered",
    entityType: "cross_connect_order",
    entityId: orderId,
    orgId: input.actor.orgId,
    after: { z_kind: input.zKind, z: order.z_name, media: input.media, a_position: input.aPosition, monthly_price_minor: price.unit_price_minor, setup_fee_minor: price.setup_fee_minor, currency: contract.currency },
  });
  if (zOrgId) await notify(trx, { order, template: "cross_connect_incoming", to: await technicalContacts(trx, zOrgId), area: "app", baseUrl: input.baseUrl });
  else await notify(trx, { order, template: "cross_connect_to_handle", to: await operatorsWhoCan(trx, "requests:approve"), area: "ops", baseUrl: input.baseUrl });
  return { ok: true, orderId };
}

/** The Z organisation accepts a tenant link with one of its live contracts at the site and its position. */
export async function acceptCrossConnect(
  trx: Trx,
  input: { actor: TenantActor; orderId: string; zContractId: string; zPosition: string; baseUrl?: string; now?: Date },
): Promise<Result> {
  if (!tenantCan(input.actor.role, "crossconnects:order")) return fail("not_allowed");
  const order = await lockOrder(trx, input.orderId);
  if (!order || (order.org_id !== input.actor.orgId && order.z_org_id !== input.actor.orgId)) return fail("not_found");
  if (order.z_org_id !== input.actor.orgId) return fail("not_allowed");
  if (order.status !== "pending_acceptance") return fail("wrong_state");
  if (!isUuid(input.zContractId)) return fail("contract_not_active");
  const live = await zContractsFor(trx, { orgId: input.actor.orgId, siteId: order.site_id, now: input.now });
  if (!live.some((c) => c.id === input.zContractId)) return fail("contract_not_active");
  const updated = await attempt(() =>
    trx
      .updateTable("cross_connect_orders")
      .set({ status: "ordered", z_contract_id: input.zContractId, z_position: input.zPosition, accepted_by: input.actor.id, accepted_at: new Date() })
      .where("id", "=", order.id)
      .where("status", "=", "pending_acceptance")
      .executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  if (Number(updated.value.numUpdatedRows) !== 1) return fail("wrong_state");
  await recordAudit(trx, {
    actor: input.actor,
    action: "crossconnect.accepted",
    entityType: "cross_connect_order",
    entityId: order.id,
    orgId: input.actor.orgId,
    before: { status: order.status },
    after: { status: "ordered", z_contract_id: input.zContractId, z_position: input.zPosition },
  });
  await notify(trx, { order, template: "cross_connect_accepted", to: await technicalContacts(trx, order.org_id), area: "app", baseUrl: input.baseUrl });
  await notify(trx, { order, template: "cross_connect_to_handle", to: await operatorsWhoCan(trx, "requests:approve"), area: "ops", baseUrl: input.baseUrl });
  return { ok: true };
}

/** The Z organisation declines a tenant link, with a reason the A side reads. */
export async function declineCrossConnect(trx: Trx, input: { actor: TenantActor; orderId: string; reason: string; baseUrl?: string }): Promise<Result> {
  if (!tenantCan(input.actor.role, "crossconnects:order")) return fail("not_allowed");
  const order = await lockOrder(trx, input.orderId);
  if (!order || (order.org_id !== input.actor.orgId && order.z_org_id !== input.actor.orgId)) return fail("not_found");
  if (order.z_org_id !== input.actor.orgId) return fail("not_allowed");
  if (order.status !== "pending_acceptance") return fail("wrong_state");
  const updated = await attempt(() =>
    trx
      .updateTable("cross_connect_orders")
      .set({ status: "rejected", rejected_side: "z", rejected_by: input.actor.id, rejected_at: new Date(), rejection_reason: input.reason })
      .where("id", "=", order.id)
      .where("status", "=", "pending_acceptance")
      .executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  await recordAudit(trx, { actor: input.actor, action: "crossconnect.declined", entityType: "cross_connect_order", entityId: order.id, orgId: input.actor.orgId, before: { status: order.status }, after: { status: "rejected", reason: input.reason } });
  await notify(trx, { order, template: "cross_connect_declined", to: await technicalContacts(trx, order.org_id), area: "app", baseUrl: input.baseUrl, text: input.reason });
  return { ok: true };
}

/** The A organisation cancels before installation; ports already assigned are released. */
export async function cancelCrossConnect(trx: Trx, input: { actor: TenantActor; orderId: string; baseUrl?: string }): Promise<Result> {
  if (!tenantCan(input.actor.role, "crossconnects:order")) return fail("not_allowed");
  const order = await lockOrder(trx, input.orderId);
  if (!order || (order.org_id !== input.actor.orgId && order.z_org_id !== input.actor.orgId)) return fail("not_found");
  if (order.org_id !== input.actor.orgId) return fail("not_allowed");
  if (order.status !== "pending_acceptance" && order.status !== "ordered") return fail("wrong_state");
  await trx.deleteFrom("port_allocations").where("cross_connect_order_id", "=", order.id).execute();
  const updated = await attempt(() =>
    trx.updateTable("cross_connect_orders").set({ status: "cancelled", cancelled_by: input.actor.id, cancelled_at: new Date() }).where("id", "=", order.id).where("status", "=", order.status).executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  await recordAudit(trx, { actor: input.actor, action: "crossconnect.cancelled", entityType: "cross_connect_order", entityId: order.id, orgId: input.actor.orgId, before: { status: order.status }, after: { status: "cancelled" } });
  const name = await actorName(trx, input.actor);
  if (order.z_org_id) await notify(trx, { order, template: "cross_connect_cancelled", to: await technicalContacts(trx, order.z_org_id), area: "app", baseUrl: input.baseUrl, actorName: name });
  if (order.status === "ordered") await notify(trx, { order, template: "cross_connect_cancelled", to: await operatorsWhoCan(trx, "requests:approve"), area: "ops", baseUrl: input.baseUrl, actorName: name });
  return { ok: true };
}

/** Either side asks for an installed cross-connect's removal; the operators and the other side are told. */
export async function requestRemoval(trx: Trx, input: { actor: TenantActor; orderId: string; baseUrl?: string }): Promise<Result> {
  if (!tenantCan(input.actor.role, "crossconnects:order")) return fail("not_allowed");
  const order = await lockOrder(trx, input.orderId);
  if (!order || (order.org_id !== input.actor.orgId && order.z_org_id !== input.actor.orgId)) return fail("not_found");
  if (order.status !== "installed") return fail("wrong_state");
  const side = order.org_id === input.actor.orgId ? "a" : "z";
  const updated = await attempt(() =>
    trx
      .updateTable("cross_connect_orders")
      .set({ status: "removal_requested", removal_requested_side: side, removal_requested_by: input.actor.id, removal_requested_at: new Date() })
      .where("id", "=", order.id)
      .where("status", "=", "installed")
      .executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  await recordAudit(trx, { actor: input.actor, action: "crossconnect.removal_requested", entityType: "cross_connect_order", entityId: order.id, orgId: input.actor.orgId, before: { status: order.status }, after: { status: "removal_requested", side } });
  const name = await actorName(trx, input.actor);
  const other = side === "a" ? order.z_org_id : order.org_id;
  if (other) await notify(trx, { order, template: "cross_connect_removal_requested", to: await technicalContacts(trx, other), area: "app", baseUrl: input.baseUrl, actorName: name });
  await notify(trx, { order, template: "cross_connect_removal_requested", to: await operatorsWhoCan(trx, "requests:approve"), area: "ops", baseUrl: input.baseUrl, actorName: name });
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------
// Operators

const partiesOf = async (trx: Trx, order: OrderRow) => [...(await technicalContacts(trx, order.org_id)), ...(order.z_org_id ? await technicalContacts(trx, order.z_org_id) : [])];

/**
 * An operator assigns the A-side and Z-side ports (active, at the order's site, of the order's
 * media, two different ports), held from the site's today with no end; for a carrier, also the
 * meet-me-room position of the carrier's side. Assigning again moves the order's ports.
 */
export async function assignPorts(
  trx: Trx,
  input: { actor: Actor; orderId: string; aPortId: string; zPortId: string; zPosition?: string; now?: Date },
): Promise<Result> {
  const order = await lockOrder(trx, input.orderId);
  if (!order) return fail("not_found");
  if (order.status !== "ordered") return fail("wrong_state");
  if (!isUuid(input.aPortId) || !isUuid(input.zPortId)) return fail("wrong_site");
  if (input.aPortId === input.zPortId) return fail("same_port");
  const ports = await trx.selectFrom("cross_connect_ports").select(["id", "site_id", "media", "status"]).where("id", "in", [input.aPortId, input.zPortId]).execute();
  if (ports.length !== 2 || ports.some((p) => p.site_id !== order.site_id)) return fail("wrong_site");
  if (ports.some((p) => p.media !== order.media)) return fail("media_mismatch");
  if (ports.some((p) => p.status !== "active")) return fail("port_maintenance");
  const zPosition = order.z_kind === "carrier" ? (input.zPosition ?? order.z_position ?? undefined) : order.z_position ?? undefined;
  if (!zPosition) return fail("wrong_state");
  const today = dayIn(order.time_zone, input.now);
  const existing = await trx.selectFrom("port_allocations").select(["id", "cross_connect_side", "port_id"]).where("cross_connect_order_id", "=", order.id).execute();
  const before = Object.fromEntries(existing.map((p) => [p.cross_connect_side, p.port_id]));
  // A side first, then Z, each in port order inside one statement's trigger: no cycle with approvals.
  for (const side of ["a", "z"] as const) {
    const portId = side === "a" ? input.aPortId : input.zPortId;
    const held = existing.find((p) => p.cross_connect_side === side);
    const zTenant = side === "z" && order.z_kind === "tenant";
    const written = await attempt<unknown>(() =>
      held
        ? trx.updateTable("port_allocations").set({ port_id: portId }).where("id", "=", held.id).execute()
        : trx
            .insertInto("port_allocations")
            .values({
              contract_id: zTenant ? order.z_contract_id! : order.contract_id,
              org_id: zTenant ? order.z_org_id! : order.org_id,
              port_id: portId,
              start_on: today,
              end_on: null,
              cross_connect_order_id: order.id,
              cross_connect_side: side,
            })
            .execute(),
    );
    if (!written.ok) return written;
  }
  const updated = await attempt(() =>
    trx
      .updateTable("cross_connect_orders")
      .set({ ports_assigned_on: order.ports_assigned_on ?? today, ports_assigned_by: input.actor.id, z_position: zPosition })
      .where("id", "=", order.id)
      .executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  await recordAudit(trx, {
    actor: input.actor,
    action: "crossconnect.ports_assigned",
    entityType: "cross_connect_order",
    entityId: order.id,
    orgId: order.org_id,
    before: { ports: before, z_position: order.z_position },
    after: { ports: { a: input.aPortId, z: input.zPortId }, z_position: zPosition },
  });
  return { ok: true };
}

/** An operator records the installation (with its test result): billing starts that day. */
export async function markInstalled(
  trx: Trx,
  input: { actor: Actor; orderId: string; installedOn: string; testResult: string; baseUrl?: string; now?: Date },
): Promise<Result> {
  const order = await lockOrder(trx, input.orderId);
  if (!order) return fail("not_found");
  if (order.status !== "ordered") return fail("wrong_state");
  const ports = await trx.selectFrom("port_allocations").select("id").where("cross_connect_order_id", "=", order.id).execute();
  if (ports.length !== 2 || !order.ports_assigned_on) return fail("install_before_assignment");
  if (input.installedOn < order.ports_assigned_on) return fail("install_before_assignment");
  if (input.installedOn > dayIn(order.time_zone, input.now)) return fail("install_in_future");
  const updated = await attempt(() =>
    trx
      .updateTable("cross_connect_orders")
      .set({ status: "installed", installed_on: input.installedOn, installed_by: input.actor.id, test_result: input.testResult })
      .where("id", "=", order.id)
      .where("status", "=", "ordered")
      .executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  await recordAudit(trx, {
    actor: input.actor,
    action: "crossconnect.installed",
    entityType: "cross_connect_order",
    entityId: order.id,
    orgId: order.org_id,
    before: { status: order.status },
    after: { status: "installed", installed_on: input.installedOn, test_result: input.testResult },
  });
  await notify(trx, { order, template: "cross_connect_installed", to: await partiesOf(trx, order), area: "app", baseUrl: input.baseUrl, date: input.installedOn, text: input.testResult });
  return { ok: true };
}

/** An operator rejects an order not yet installed, with a reason both parties read; its ports are released. */
export async function rejectCrossConnect(trx: Trx, input: { actor: Actor; orderId: string; reason: string; baseUrl?: string }): Promise<Result> {
  const order = await lockOrder(trx, input.orderId);
  if (!order) return fail("not_found");
  if (order.status !== "pending_acceptance" && order.status !== "ordered") return fail("wrong_state");
  await trx.deleteFrom("port_allocations").where("cross_connect_order_id", "=", order.id).execute();
  const updated = await attempt(() =>
    trx
      .updateTable("cross_connect_orders")
      .set({ status: "rejected", rejected_side: "operator", rejected_by: input.actor.id, rejected_at: new Date(), rejection_reason: input.reason })
      .where("id", "=", order.id)
      .where("status", "=", order.status)
      .executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  await recordAudit(trx, { actor: input.actor, action: "crossconnect.rejected", entityType: "cross_connect_order", entityId: order.id, orgId: order.org_id, before: { status: order.status }, after: { status: "rejected", reason: input.reason } });
  await notify(trx, { order, template: "cross_connect_rejected", to: await partiesOf(trx, order), area: "app", baseUrl: input.baseUrl, text: input.reason });
  return { ok: true };
}

/**
 * An operator confirms the removal on `removedOn` (the last billed day, on or after the installation,
 * at most 90 days ahead); the order's ports are held through that day and free after it.
 */
export async function confirmRemoval(trx: Trx, input: { actor: Actor; orderId: string; removedOn: string; baseUrl?: string; now?: Date }): Promise<Result> {
  const order = await lockOrder(trx, input.orderId);
  if (!order) return fail("not_found");
  if (order.status !== "installed" && order.status !== "removal_requested") return fail("wrong_state");
  if (input.removedOn < order.installed_on!) return fail("removal_before_install");
  if (input.removedOn > addDays(dayIn(order.time_zone, input.now), REMOVAL_MAX_DAYS_AHEAD)) return fail("removal_too_far");
  const ports = await trx.selectFrom("port_allocations").select("id").where("cross_connect_order_id", "=", order.id).orderBy("port_id").execute();
  for (const p of ports) {
    const ended = await attempt(() => trx.updateTable("port_allocations").set({ end_on: input.removedOn }).where("id", "=", p.id).execute());
    if (!ended.ok) return ended;
  }
  const updated = await attempt(() =>
    trx
      .updateTable("cross_connect_orders")
      .set({ status: "removed", removed_on: input.removedOn, removed_by: input.actor.id })
      .where("id", "=", order.id)
      .where("status", "=", order.status)
      .executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  await recordAudit(trx, { actor: input.actor, action: "crossconnect.removed", entityType: "cross_connect_order", entityId: order.id, orgId: order.org_id, before: { status: order.status }, after: { status: "removed", removed_on: input.removedOn } });
  await notify(trx, { order, template: "cross_connect_removed", to: await partiesOf(trx, order), area: "app", baseUrl: input.baseUrl, date: input.removedOn });
  return { ok: true };
}

/** The organisation's contracts that are not over (from which it may order), with their site. */
export async function liveContractsOf(db: Executor, input: { orgId: string; now?: Date }) {
  const rows = await db
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .select(["c.id", "c.start_on", "c.end_on", "s.code as site_code", "s.name as site_name", "s.time_zone"])
    .where("c.org_id", "=", input.orgId)
    .orderBy("s.code")
    .orderBy("c.start_on")
    .execute();
  return rows.filter((c) => c.end_on === null || c.end_on >= dayIn(c.time_zone, input.now));
}
