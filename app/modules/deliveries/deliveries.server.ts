/**
 * Deliveries (inbound shipments): the use-cases (each in the caller's transaction, answering a result
 * for every expected refusal) and the queries of the tenant and operator pages.
 *
 * Who may do what:
 * - the organisation's owners, admins and technical members (`desk:order`) announce a shipment to a
 *   site where they hold a contract that is not over, optionally for one of their racks there, and
 *   cancel it while it is only announced; every member reads them;
 * - operators (`deliveries:handle`: ops_admin, ops_noc) receive it (parcels counted, condition),
 *   store it, deliver it to the rack or hand it over when collected. Each of their steps is audited
 *   and the organisation's owners, admins and technical members are e-mailed in their language.
 * A delivery of another organisation is "not found", whatever the action.
 *
 * Races and double submissions: each step locks the row (`FOR UPDATE`) and checks its state under the
 * lock, so a second click finds the state moved (`wrong_state`); the announce form carries a key so a
 * form sent twice records one delivery; the database's trigger refuses whatever slips through.
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { DeliveryCondition, DeliveryStatus, TenantRole } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { tenantCan } from "~/modules/auth/permissions";
import { recordAudit, type Actor, type TenantActor } from "~/modules/audit/audit.server";
import { refusalAsResult } from "~/utils/db.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { linkBase, orgManagers, uniqueRecipients } from "~/modules/email/recipients.server";
import type { DeliveryTemplate } from "#emails/delivery";
import { isUuid } from "~/utils/ids";
import { dayIn } from "~/utils/dates";
import { deliveryErrorOf, type DeliveryError } from "./errors";
import { addDays, daysAtSite, deliveryRef, DONE_STATUSES, EXPECTED_DAYS_AHEAD, EXPECTED_DAYS_BEFORE, keptTooLong, OPEN_STATUSES } from "./shared";

export type { TenantActor };
export type Result<T = object> = ({ ok: true } & T) | { ok: false; error: DeliveryError };

const fail = (error: DeliveryError) => ({ ok: false as const, error });

/** Run a write; a refusal the database names becomes a result, anything else is rethrown. */
const attempt = <T>(write: () => Promise<T>) => refusalAsResult(deliveryErrorOf, write);

// ---------------------------------------------------------------------------------------------
// Reading

function deliveriesQuery(db: Executor) {
  return db
    .selectFrom("deliveries as d")
    .innerJoin("sites as s", "s.id", "d.site_id")
    .innerJoin("organisations as o", "o.id", "d.org_id")
    .leftJoin("racks as r", "r.id", "d.rack_id")
    .select([
      "d.id",
      "d.org_id",
      "d.site_id",
      "d.rack_id",
      "d.carrier",
      "d.tracking_number",
      "d.parcels_announced",
      "d.expected_on",
      "d.purpose",
      "d.status",
      "d.announced_at",
      "d.cancelled_at",
      "d.received_at",
      "d.received_on",
      "d.parcels_received",
      "d.condition",
      "d.damage_note",
      "d.stored_at",
      "d.storage_location",
      "d.delivered_at",
      "d.collected_at",
      "s.code as site_code",
      "s.name as site_name",
      "s.time_zone",
      "s.parcel_keep_days",
      "o.name as org_name",
      "r.name as rack_name",
    ]);
}

export type DeliveryRow = Awaited<ReturnType<ReturnType<typeof deliveriesQuery>["executeTakeFirstOrThrow"]>>;

/** A row as the pages show it: its reference, the site's today, and whether it was kept too long. */
function view(row: DeliveryRow, now?: Date) {
  const today = dayIn(row.time_zone, now);
  return {
    ...row,
    ref: deliveryRef(row.id),
    today,
    flagged: keptTooLong(row, row.parcel_keep_days, today),
    daysAtSite: daysAtSite(row, today),
    keepUntil: row.received_on ? addDays(row.received_on, row.parcel_keep_days) : null,
  };
}

export type DeliveryView = ReturnType<typeof view>;

export type TenantFilter = "open" | "done" | "all";

/** The organisation's deliveries, newest announcement first; `open` (in progress) or `done`. */
export async function listForTenant(db: Executor, input: { orgId: string; filter?: TenantFilter; now?: Date }) {
  let query = deliveriesQuery(db).where("d.org_id", "=", input.orgId);
  if (input.filter === "open") query = query.where("d.status", "in", [...OPEN_STATUSES]);
  if (input.filter === "done") query = query.where("d.status", "in", [...DONE_STATUSES]);
  const rows = await query.orderBy("d.announced_at", "desc").orderBy("d.id").limit(500).execute();
  return rows.map((r) => view(r, input.now));
}

/** The timeline of one delivery, oldest first, with who acted. */
export async function eventsOf(db: Executor, deliveryId: string) {
  return db
    .selectFrom("delivery_events as e")
    .leftJoin("users as u", "u.id", "e.by_user")
    .select(["e.kind", "e.at", "u.name as by_name", "u.operator_role"])
    .where("e.delivery_id", "=", deliveryId)
    .orderBy("e.seq")
    .execute();
}

/** One delivery of the organisation with its timeline, or undefined (another organisation's is not found). */
export async function getForTenant(db: Executor, input: { orgId: string; deliveryId: string; now?: Date }) {
  if (!isUuid(input.deliveryId)) return undefined;
  const row = await deliveriesQuery(db).where("d.id", "=", input.deliveryId).where("d.org_id", "=", input.orgId).executeTakeFirst();
  if (!row) return undefined;
  return { ...view(row, input.now), events: await eventsOf(db, row.id) };
}

/** One delivery for the operators, with its timeline. */
export async function getForOperator(db: Executor, deliveryId: string, now?: Date) {
  if (!isUuid(deliveryId)) return undefined;
  const row = await deliveriesQuery(db).where("d.id", "=", deliveryId).executeTakeFirst();
  if (!row) return undefined;
  return { ...view(row, now), events: await eventsOf(db, row.id) };
}

export type SiteFilter = "queue" | "upcoming" | "done";

/**
 * A site's deliveries for the operators: `queue` = announced for today or earlier (expected day
 * first), then those waiting at the site (received first); `upcoming` = announced for a later day;
 * `done` = delivered, collected or cancelled, newest first. Undefined for an unknown site.
 */
export async function listForSite(db: Executor, input: { siteCode: string; filter?: SiteFilter; now?: Date }) {
  const site = await db.selectFrom("sites").select(["id", "code", "name", "time_zone", "parcel_keep_days"]).where("code", "=", input.siteCode).executeTakeFirst();
  if (!site) return undefined;
  const today = dayIn(site.time_zone, input.now);
  const filter = input.filter ?? "queue";
  let query = deliveriesQuery(db).where("d.site_id", "=", site.id);
  if (filter === "queue") {
    query = query
      .where((eb) => eb.or([eb.and([eb("d.status", "=", "announced"), eb("d.expected_on", "<=", today)]), eb("d.status", "in", ["received", "stored"])]))
      .orderBy(sql`d.status = 'announced'`, "desc")
      .orderBy(sql`coalesce(d.received_on, d.expected_on)`)
      .orderBy("d.announced_at");
  } else if (filter === "upcoming") {
    query = query.where("d.status", "=", "announced").where("d.expected_on", ">", today).orderBy("d.expected_on").orderBy("d.announced_at");
  } else {
    query = query.where("d.status", "in", [...DONE_STATUSES]).orderBy("d.updated_at", "desc");
  }
  const rows = await query.orderBy("d.id").limit(500).execute();
  return { site: { ...site, today }, deliveries: rows.map((r) => view(r, input.now)) };
}

/**
 * What the announce form offers: the sites where the organisation holds a contract that is not over,
 * and per site the racks it holds from today on (the database checks the expected day exactly).
 */
export async function announceOptions(db: Executor, input: { orgId: string; now?: Date }) {
  const contracts = await db
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .select(["s.id", "s.code", "s.name", "s.time_zone", "c.end_on"])
    .where("c.org_id", "=", input.orgId)
    .execute();
  const sites = new Map<string, { id: string; code: string; name: string; today: string }>();
  for (const c of contracts) {
    const today = dayIn(c.time_zone, input.now);
    if (c.end_on === null || c.end_on >= today) sites.set(c.id, { id: c.id, code: c.code, name: c.name, today });
  }
  const list = [...sites.values()].sort((a, b) => a.code.localeCompare(b.code));
  const racks = list.length
    ? await db
        .selectFrom("allocations as a")
        .innerJoin("racks as r", "r.id", "a.rack_id")
        .innerJoin("rooms as m", "m.id", "r.room_id")
        .select(["r.id", "r.name", "m.name as room_name", "m.site_id"])
        .distinct()
        .where("a.org_id", "=", input.orgId)
        .where("m.site_id", "in", list.map((s) => s.id))
        .where((eb) => eb.or([eb("a.end_on", "is", null), eb("a.end_on", ">=", sql<string>`(now() AT TIME ZONE 'UTC')::date - 1`)]))
        .orderBy("r.name")
        .execute()
    : [];
  return { sites: list, racks, clientKey: randomUUID() };
}

// ---------------------------------------------------------------------------------------------
// E-mails

/** The members told about a delivery: the organisation's owners, admins and technical members. */
const contactsOf = (db: Executor, orgId: string) => orgManagers(db, orgId, ["owner", "admin", "technical"]);

async function notify(trx: Trx, row: DeliveryRow, template: DeliveryTemplate, baseUrl?: string, extra: { date?: string | null; text?: string | null } = {}) {
  const url = `${linkBase(baseUrl)}/app/desk/deliveries/${row.id}`;
  for (const r of uniqueRecipients(await contactsOf(trx, row.org_id))) {
    await enqueueEmail(trx, {
      to: r.email,
      locale: r.locale,
      message: {
        template,
        props: {
          ref: deliveryRef(row.id),
          siteName: row.site_name,
          orgName: row.org_name,
          carrier: row.carrier,
          trackingNumber: row.tracking_number,
          parcels: row.parcels_received ?? row.parcels_announced,
          rackName: row.rack_name,
          date: extra.date ?? null,
          text: extra.text ?? null,
          url,
        },
      },
    });
  }
}

/** The row, locked, with its names (the lock first: `FOR UPDATE` of the delivery only). */
async function lockDelivery(trx: Trx, deliveryId: string) {
  if (!isUuid(deliveryId)) return undefined;
  const locked = await trx.selectFrom("deliveries").select("id").where("id", "=", deliveryId).forUpdate().executeTakeFirst();
  if (!locked) return undefined;
  return deliveriesQuery(trx).where("d.id", "=", deliveryId).executeTakeFirstOrThrow();
}

const reread = (trx: Trx, id: string) => deliveriesQuery(trx).where("d.id", "=", id).executeTakeFirstOrThrow();

// ---------------------------------------------------------------------------------------------
// Tenants

export interface AnnounceInput {
  actor: TenantActor;
  siteId: string;
  rackId?: string;
  carrier: string;
  trackingNumber: string;
  parcels: number;
  expectedOn: string;
  purpose: string;
  /** The form's key: the same key twice records one delivery. */
  clientKey?: string;
  now?: Date;
}

/**
 * A tenant announces a shipment to one of its sites, expected from a week ago to 180 days ahead
 * (the site's calendar), optionally for one of its racks there held on the expected day.
 */
export async function announceDelivery(trx: Trx, input: AnnounceInput): Promise<Result<{ deliveryId: string; repeated?: boolean }>> {
  if (!tenantCan(input.actor.role, "desk:order")) return fail("not_allowed");
  if (!isUuid(input.siteId)) return fail("no_contract");
  if (input.rackId !== undefined && !isUuid(input.rackId)) return fail("rack_not_held");
  const clientKey = input.clientKey && isUuid(input.clientKey) ? input.clientKey : null;
  if (clientKey) {
    const earlier = await trx.selectFrom("deliveries").select("id").where("org_id", "=", input.actor.orgId).where("client_key", "=", clientKey).executeTakeFirst();
    if (earlier) return { ok: true, deliveryId: earlier.id, repeated: true };
  }
  const site = await trx.selectFrom("sites").select(["id", "time_zone"]).where("id", "=", input.siteId).executeTakeFirst();
  if (!site) return fail("no_contract");
  const today = dayIn(site.time_zone, input.now);
  const live = await trx
    .selectFrom("contracts")
    .select("id")
    .where("org_id", "=", input.actor.orgId)
    .where("site_id", "=", site.id)
    .where((eb) => eb.or([eb("end_on", "is", null), eb("end_on", ">=", today)]))
    .executeTakeFirst();
  if (!live) return fail("no_contract");
  if (input.expectedOn < addDays(today, -EXPECTED_DAYS_BEFORE)) return fail("expected_too_early");
  if (input.expectedOn > addDays(today, EXPECTED_DAYS_AHEAD)) return fail("expected_too_far");
  if (input.rackId) {
    const held = await trx
      .selectFrom("allocations as a")
      .innerJoin("racks as r", "r.id", "a.rack_id")
      .innerJoin("rooms as m", "m.id", "r.room_id")
      .select("a.id")
      .where("a.rack_id", "=", input.rackId)
      .where("a.org_id", "=", input.actor.orgId)
      .where("m.site_id", "=", site.id)
      .where(sql<boolean>`a.during @> ${input.expectedOn}::date`)
      .executeTakeFirst();
    if (!held) return fail("rack_not_held");
  }
  const inserted = await attempt(() =>
    trx
      .insertInto("deliveries")
      .values({
        org_id: input.actor.orgId,
        site_id: site.id,
        rack_id: input.rackId ?? null,
        carrier: input.carrier,
        tracking_number: input.trackingNumber,
        parcels_announced: input.parcels,
        expected_on: input.expectedOn,
        purpose: input.purpose,
        client_key: clientKey,
        announced_by: input.actor.id,
        ...(input.now ? { announced_at: input.now } : {}),
      })
      .onConflict((oc) => oc.columns(["org_id", "client_key"]).doNothing())
      .returning("id")
      .executeTakeFirst(),
  );
  if (!inserted.ok) return inserted;
  if (!inserted.value) {
    // The same form, sent at the same moment by a second request: its delivery stands.
    const earlier = await trx.selectFrom("deliveries").select("id").where("org_id", "=", input.actor.orgId).where("client_key", "=", clientKey!).executeTakeFirstOrThrow();
    return { ok: true, deliveryId: earlier.id, repeated: true };
  }
  const deliveryId = inserted.value.id;
  await recordAudit(trx, {
    actor: input.actor,
    action: "delivery.announced",
    entityType: "delivery",
    entityId: deliveryId,
    orgId: input.actor.orgId,
    after: { site_id: site.id, rack_id: input.rackId ?? null, carrier: input.carrier, tracking_number: input.trackingNumber, parcels: input.parcels, expected_on: input.expectedOn },
  });
  return { ok: true, deliveryId };
}

/** The tenant cancels a delivery that has not been received. */
export async function cancelDelivery(trx: Trx, input: { actor: TenantActor; deliveryId: string }): Promise<Result> {
  if (!tenantCan(input.actor.role, "desk:order")) return fail("not_allowed");
  const row = await lockDelivery(trx, input.deliveryId);
  if (!row || row.org_id !== input.actor.orgId) return fail("not_found");
  if (row.status !== "announced") return fail("wrong_state");
  const updated = await attempt(() =>
    trx.updateTable("deliveries").set({ status: "cancelled", cancelled_by: input.actor.id, cancelled_at: new Date() }).where("id", "=", row.id).where("status", "=", "announced").executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  await recordAudit(trx, { actor: input.actor, action: "delivery.cancelled", entityType: "delivery", entityId: row.id, orgId: row.org_id, before: { status: row.status }, after: { status: "cancelled" } });
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------
// Operators

/** Move a locked delivery from one of `from` to `to` with the step's fields; audited, the tenant told. */
async function step(
  trx: Trx,
  input: { actor: Actor; deliveryId: string; baseUrl?: string },
  from: readonly DeliveryStatus[],
  to: DeliveryStatus,
  fields: (row: DeliveryRow) => Record<string, unknown> | DeliveryError,
  template: DeliveryTemplate,
  extra: (row: DeliveryRow) => { date?: string | null; text?: string | null } = () => ({}),
): Promise<Result> {
  const row = await lockDelivery(trx, input.deliveryId);
  if (!row) return fail("not_found");
  if (!from.includes(row.status)) return fail("wrong_state");
  const set = fields(row);
  if (typeof set === "string") return fail(set);
  const updated = await attempt(() =>
    trx
      .updateTable("deliveries")
      .set({ ...set, status: to })
      .where("id", "=", row.id)
      .where("status", "=", row.status)
      .executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  if (Number(updated.value.numUpdatedRows) !== 1) return fail("wrong_state");
  const after = await reread(trx, row.id);
  const { status: _s, ...recorded } = set as Record<string, unknown>;
  await recordAudit(trx, {
    actor: input.actor,
    action: `delivery.${to}` as "delivery.received",
    entityType: "delivery",
    entityId: row.id,
    orgId: row.org_id,
    before: { status: row.status },
    after: { status: to, ...Object.fromEntries(Object.entries(recorded).filter(([k]) => !k.endsWith("_by") && !k.endsWith("_at"))) },
  });
  await notify(trx, after, template, input.baseUrl, extra(after));
  return { ok: true };
}

/** An operator receives an announced delivery: parcels counted (1–999), condition (a damaged one with a note). */
export function receiveDelivery(
  trx: Trx,
  input: { actor: Actor; deliveryId: string; parcelsReceived: number; condition: DeliveryCondition; damageNote?: string; baseUrl?: string; now?: Date },
): Promise<Result> {
  return step(
    trx,
    input,
    ["announced"],
    "received",
    (row) => ({
      received_by: input.actor.id,
      received_at: input.now ?? new Date(),
      received_on: dayIn(row.time_zone, input.now),
      parcels_received: input.parcelsReceived,
      condition: input.condition,
      damage_note: input.condition === "damaged" ? (input.damageNote ?? null) : null,
    }),
    input.condition === "damaged" ? "delivery_received_damaged" : "delivery_received",
    (row) => ({ date: row.received_on ? addDays(row.received_on, row.parcel_keep_days) : null, text: row.damage_note }),
  );
}

/** An operator puts a received delivery in storage (optionally where). */
export function storeDelivery(trx: Trx, input: { actor: Actor; deliveryId: string; storageLocation?: string; baseUrl?: string; now?: Date }): Promise<Result> {
  return step(trx, input, ["received"], "stored", () => ({ stored_by: input.actor.id, stored_at: input.now ?? new Date(), storage_location: input.storageLocation ?? null }), "delivery_stored", (row) => ({
    date: row.received_on ? addDays(row.received_on, row.parcel_keep_days) : null,
  }));
}

/** An operator takes a received or stored delivery to the tenant's rack (one was named at announcement). */
export function deliverToRack(trx: Trx, input: { actor: Actor; deliveryId: string; baseUrl?: string; now?: Date }): Promise<Result> {
  return step(trx, input, ["received", "stored"], "delivered", (row) => (row.rack_id ? { delivered_by: input.actor.id, delivered_at: input.now ?? new Date() } : "no_rack"), "delivery_delivered");
}

/** An operator hands a received or stored delivery over to the tenant's people at the counter. */
export function markCollected(trx: Trx, input: { actor: Actor; deliveryId: string; baseUrl?: string; now?: Date }): Promise<Result> {
  return step(trx, input, ["received", "stored"], "collected", () => ({ collected_by: input.actor.id, collected_at: input.now ?? new Date() }), "delivery_collected");
}

/** An operator sets how many days a site keeps received parcels (1–365); audited on the site. */
export async function setParcelKeepDays(trx: Trx, input: { actor: Actor; siteId: string; days: number }): Promise<Result> {
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > 365) return fail("conflict");
  const site = await trx.selectFrom("sites").select(["id", "parcel_keep_days"]).where("id", "=", input.siteId).forUpdate().executeTakeFirst();
  if (!site) return fail("not_found");
  if (site.parcel_keep_days === input.days) return { ok: true };
  await trx.updateTable("sites").set({ parcel_keep_days: input.days }).where("id", "=", site.id).execute();
  await recordAudit(trx, {
    actor: input.actor,
    action: "delivery.keep_days_changed",
    entityType: "site",
    entityId: site.id,
    before: { parcel_keep_days: site.parcel_keep_days },
    after: { parcel_keep_days: input.days },
  });
  return { ok: true };
}

/** The organisations holding a contract that is not over at a site (whom an unannounced parcel may be for). */
export async function tenantsAt(db: Executor, input: { siteId: string; today: string }) {
  return db
    .selectFrom("organisations as o")
    .select(["o.id", "o.name"])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("contracts as c")
          .select("c.id")
          .whereRef("c.org_id", "=", "o.id")
          .where("c.site_id", "=", input.siteId)
          .where((w) => w.or([w("c.end_on", "is", null), w("c.end_on", ">=", input.today)])),
      ),
    )
    .orderBy("o.name")
    .orderBy("o.id")
    .execute();
}

/**
 * A parcel arrives that nobody announced: an operator records it for an organisation with a contract
 * at the site (announced by the operator, expected today, no rack: collected at the desk) and receives
 * it at once. The tenant is told as for any receipt; its timeline reads "recorded on arrival".
 */
export async function recordUnannounced(
  trx: Trx,
  input: {
    actor: Actor;
    siteId: string;
    orgId: string;
    carrier: string;
    trackingNumber: string;
    purpose: string;
    parcelsReceived: number;
    condition: DeliveryCondition;
    damageNote?: string;
    baseUrl?: string;
    now?: Date;
  },
): Promise<Result<{ deliveryId: string }>> {
  if (!isUuid(input.siteId) || !isUuid(input.orgId)) return fail("no_contract");
  const site = await trx.selectFrom("sites").select(["id", "time_zone"]).where("id", "=", input.siteId).executeTakeFirst();
  if (!site) return fail("not_found");
  const today = dayIn(site.time_zone, input.now);
  if (!(await tenantsAt(trx, { siteId: site.id, today })).some((o) => o.id === input.orgId)) return fail("no_contract");
  const inserted = await attempt(() =>
    trx
      .insertInto("deliveries")
      .values({
        org_id: input.orgId,
        site_id: site.id,
        rack_id: null,
        carrier: input.carrier,
        tracking_number: input.trackingNumber,
        parcels_announced: input.parcelsReceived,
        expected_on: today,
        purpose: input.purpose,
        announced_by: input.actor.id,
        ...(input.now ? { announced_at: input.now } : {}),
      })
      .returning("id")
      .executeTakeFirstOrThrow(),
  );
  if (!inserted.ok) return inserted;
  const deliveryId = inserted.value.id;
  await recordAudit(trx, {
    actor: input.actor,
    action: "delivery.recorded_unannounced",
    entityType: "delivery",
    entityId: deliveryId,
    orgId: input.orgId,
    after: { site_id: site.id, carrier: input.carrier, tracking_number: input.trackingNumber, parcels: input.parcelsReceived },
  });
  const received = await receiveDelivery(trx, { ...input, deliveryId });
  if (!received.ok) return received;
  return { ok: true, deliveryId };
}
