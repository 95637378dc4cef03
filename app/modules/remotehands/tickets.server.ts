/**
 * Remote-hands tickets: the use-cases (each in the caller's transaction, answering a result for every
 * expected refusal) and the queries of the tenant and operator pages. ADR 021.
 *
 * Who may do what:
 * - the organisation's owners, admins and technical members (`desk:order`) open a ticket on one of
 *   its contracts in force, naming racks/units among that contract's allocations in force today, and
 *   cancel it while nobody has taken it; every member reads its tickets;
 * - operators who handle remote hands (`charges:remote_hands`: ops_noc, ops_admin) take a ticket,
 *   post updates, log minutes and close it with a result. Every step is audited; taken, update and
 *   closed are e-mailed to the tenant in each reader's language, a new ticket to the operators.
 * Another organisation's ticket is "not found", whatever the action.
 *
 * Billing at close: the minutes logged, rounded up to the site's increment, become one one-off charge
 * (`recordOneOff`, hours with two decimals) at the contract's frozen hourly price — urgent or standard
 * — dated the site's local day of the close; when that month's invoice is already issued, the first
 * day of the next month whose invoice is not. No minutes, no charge.
 *
 * Races: every change locks the ticket row (`FOR UPDATE`) and checks its state under the lock, so of
 * twenty simultaneous "take" or "close" one wins and the others find the state moved (`wrong_state`);
 * the database's trigger and the unique charge-per-ticket key refuse whatever slips through.
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { RemoteHandsKind, RemoteHandsStatus, RemoteHandsUrgency, TenantRole } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { tenantCan } from "~/modules/auth/permissions";
import { actorName, recordAudit, type Actor, type TenantActor } from "~/modules/audit/audit.server";
import { refusalAsResult } from "~/utils/db.server";
import { ChargeError, recordOneOff, remoteHandsPrice } from "~/modules/billing/charges.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { linkBase, operatorsWhoCan, orgManagers, uniqueRecipients, type Recipient } from "~/modules/email/recipients.server";
import type { RemoteHandsTemplate } from "#emails/remote-hands";
import { isUuid } from "~/utils/ids";
import { dayIn } from "~/utils/dates";
import { remoteHandsErrorOf, type RemoteHandsError } from "./errors";
import { amountFor, ATTACHMENT_MAX_BYTES, attachmentTypeOf, billedMinutes, hoursOf, safeFileName, serviceLevel, type AttachmentType } from "./shared";

export type { TenantActor };
export type Result<T = object> = ({ ok: true } & T) | { ok: false; error: RemoteHandsError };

const fail = (error: RemoteHandsError) => ({ ok: false as const, error });

/** Run a write; a refusal the database names becomes a result, anything else is rethrown. */
const attempt = <T>(write: () => Promise<T>) => refusalAsResult(remoteHandsErrorOf, write);

const nextMonth = (period: string) => {
  const [y, m] = period.split("-").map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
};

// ---------------------------------------------------------------------------------------------
// Reading

function ticketsQuery(db: Executor) {
  return db
    .selectFrom("remote_hands_tickets as t")
    .innerJoin("sites as s", "s.id", "t.site_id")
    .innerJoin("organisations as o", "o.id", "t.org_id")
    .leftJoin("users as ob", "ob.id", "t.opened_by")
    .leftJoin("users as tb", "tb.id", "t.taken_by")
    .select([
      "t.id",
      "t.org_id",
      "t.contract_id",
      "t.site_id",
      "t.ref",
      "t.kind",
      "t.urgency",
      "t.description",
      "t.status",
      "t.target_minutes",
      "t.opened_at",
      "t.taken_at",
      "t.closed_at",
      "t.result",
      "t.cancelled_at",
      "t.logged_minutes",
      "t.billed_minutes",
      "t.charged_on",
      "t.unit_price_minor",
      "t.amount_minor",
      "t.tenant_seen_at",
      "s.code as site_code",
      "s.name as site_name",
      "s.time_zone",
      "s.currency",
      "s.remote_hands_increment_min as increment_min",
      "o.name as org_name",
      sql<string | null>`coalesce(ob.name, ob.email)`.as("opened_by_name"),
      sql<string | null>`coalesce(tb.name, tb.email)`.as("taken_by_name"),
      sql<number>`(SELECT coalesce(sum(e.minutes), 0)::integer FROM remote_hands_events e WHERE e.ticket_id = t.id AND e.kind = 'time')`.as("minutes_so_far"),
    ]);
}

export type TicketRow = Awaited<ReturnType<ReturnType<typeof ticketsQuery>["executeTakeFirstOrThrow"]>>;

/** A ticket's time and money as the page shows them: stored at close, computed from the timeline before. */
async function withBilling(db: Executor, t: TicketRow, now?: Date) {
  const sl = serviceLevel({ openedAt: t.opened_at, takenAt: t.taken_at, targetMinutes: t.target_minutes, status: t.status, now });
  if (t.status === "closed") {
    return {
      ...t,
      serviceLevel: sl,
      billing: { logged: t.logged_minutes ?? 0, billed: t.billed_minutes ?? 0, unitPriceMinor: t.unit_price_minor, amountMinor: t.amount_minor, chargedOn: t.charged_on, final: true },
    };
  }
  const billed = billedMinutes(t.minutes_so_far, t.increment_min);
  const price = await remoteHandsPrice(db, { contractId: t.contract_id, siteId: t.site_id, urgent: t.urgency === "urgent", on: dayIn(t.time_zone, now) });
  return {
    ...t,
    serviceLevel: sl,
    billing: {
      logged: t.minutes_so_far,
      billed,
      unitPriceMinor: price ?? null,
      amountMinor: price === undefined || billed === 0 ? null : amountFor(billed, price),
      chargedOn: null as string | null,
      final: false,
    },
  };
}

async function detailsOf(db: Executor, ticketId: string) {
  const [racks, events, attachments] = await Promise.all([
    db
      .selectFrom("remote_hands_ticket_racks as tr")
      .innerJoin("allocations as a", "a.id", "tr.allocation_id")
      .innerJoin("racks as r", "r.id", "a.rack_id")
      .innerJoin("rooms as m", "m.id", "r.room_id")
      .select(["a.id", "a.kind", "a.first_u", "a.last_u", "r.name as rack_name", "m.name as room_name"])
      .where("tr.ticket_id", "=", ticketId)
      .orderBy("r.name")
      .orderBy("a.first_u")
      .execute(),
    db
      .selectFrom("remote_hands_events as e")
      .leftJoin("users as u", "u.id", "e.author_id")
      .select(["e.id", "e.kind", "e.body", "e.minutes", "e.at", sql<string | null>`coalesce(u.name, u.email)`.as("author_name"), sql<boolean>`u.operator_role IS NOT NULL`.as("by_operator")])
      .where("e.ticket_id", "=", ticketId)
      .orderBy("e.at")
      .orderBy("e.id")
      .execute(),
    db
      .selectFrom("remote_hands_attachments")
      .select(["id", "file_name", "content_type", "size_bytes", "uploaded_at"])
      .where("ticket_id", "=", ticketId)
      .orderBy("uploaded_at")
      .execute(),
  ]);
  return { racks, events, attachments };
}

/** The organisation's tickets, newest first: all, those still open (open or taken), or those done (closed or cancelled). */
export async function listForTenant(db: Executor, input: { orgId: string; filter?: "open" | "closed" | "all"; now?: Date }) {
  let query = ticketsQuery(db).where("t.org_id", "=", input.orgId);
  if (input.filter === "open") query = query.where("t.status", "in", ["open", "taken"]);
  if (input.filter === "closed") query = query.where("t.status", "in", ["closed", "cancelled"]);
  const rows = await query.orderBy("t.opened_at", "desc").orderBy("t.id").limit(500).execute();
  return rows.map((t) => ({ ...t, serviceLevel: serviceLevel({ openedAt: t.opened_at, takenAt: t.taken_at, targetMinutes: t.target_minutes, status: t.status, now: input.now }) }));
}

/** One ticket as its organisation sees it, or undefined: another organisation's ticket is not found. */
export async function getForTenant(db: Executor, input: { orgId: string; ticketId: string; now?: Date }) {
  if (!isUuid(input.ticketId)) return undefined;
  const row = await ticketsQuery(db).where("t.id", "=", input.ticketId).where("t.org_id", "=", input.orgId).executeTakeFirst();
  if (!row) return undefined;
  return { ...(await withBilling(db, row, input.now)), ...(await detailsOf(db, row.id)) };
}

/** One ticket for the operators. */
export async function getForOperator(db: Executor, input: { ticketId: string; now?: Date }) {
  if (!isUuid(input.ticketId)) return undefined;
  const row = await ticketsQuery(db).where("t.id", "=", input.ticketId).executeTakeFirst();
  if (!row) return undefined;
  return { ...(await withBilling(db, row, input.now)), ...(await detailsOf(db, row.id)) };
}

/** A site's queue for the operators: open and taken tickets, urgent first, then oldest first. */
export async function siteQueue(db: Executor, input: { siteCode: string; now?: Date }) {
  const site = await db.selectFrom("sites").select(["id", "code", "name", "time_zone"]).where("code", "=", input.siteCode).executeTakeFirst();
  if (!site) return undefined;
  const rows = await ticketsQuery(db)
    .where("t.site_id", "=", site.id)
    .where("t.status", "in", ["open", "taken"])
    .orderBy(sql`(t.urgency = 'urgent')`, "desc")
    .orderBy("t.opened_at")
    .orderBy("t.id")
    .limit(500)
    .execute();
  const recent = await ticketsQuery(db)
    .where("t.site_id", "=", site.id)
    .where("t.status", "in", ["closed", "cancelled"])
    .orderBy(sql`coalesce(t.closed_at, t.cancelled_at)`, "desc")
    .limit(20)
    .execute();
  const sl = (t: TicketRow) => serviceLevel({ openedAt: t.opened_at, takenAt: t.taken_at, targetMinutes: t.target_minutes, status: t.status, now: input.now });
  return { site, tickets: rows.map((t) => ({ ...t, serviceLevel: sl(t) })), recent: recent.map((t) => ({ ...t, serviceLevel: sl(t) })) };
}

/** The file of an attachment, for its organisation (`orgId`) or an operator (`orgId` null), or undefined. */
export async function attachmentFile(db: Executor, input: { attachmentId: string; ticketId: string; orgId: string | null }) {
  if (!isUuid(input.attachmentId) || !isUuid(input.ticketId)) return undefined;
  let query = db
    .selectFrom("remote_hands_attachments")
    .select(["id", "file_name", "content_type", "size_bytes", "data"])
    .where("id", "=", input.attachmentId)
    .where("ticket_id", "=", input.ticketId);
  if (input.orgId !== null) query = query.where("org_id", "=", input.orgId);
  return query.executeTakeFirst();
}

/** The organisation's member opened the ticket's page: what the operators posted until now has been seen. */
export async function markSeen(db: Executor, input: { orgId: string; ticketId: string }) {
  if (!isUuid(input.ticketId)) return;
  await db
    .updateTable("remote_hands_tickets")
    .set({ tenant_seen_at: new Date() })
    .where("id", "=", input.ticketId)
    .where("org_id", "=", input.orgId)
    .execute();
}

/**
 * What the new-ticket form offers: the organisation's contracts in force today, each with its site,
 * the allocations (rack, units) in force today, the hourly prices (standard and urgent) that would
 * apply, and a fresh form key.
 */
export async function openFormOptions(db: Executor, input: { orgId: string; now?: Date }) {
  const contracts = await db
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .select(["c.id", "c.site_id", "c.start_on", "c.end_on", "s.code as site_code", "s.name as site_name", "s.time_zone", "s.currency", "s.remote_hands_increment_min as increment_min", "s.remote_hands_target_standard_min as target_standard", "s.remote_hands_target_urgent_min as target_urgent"])
    .where("c.org_id", "=", input.orgId)
    .orderBy("s.code")
    .orderBy("c.start_on")
    .orderBy("c.id")
    .execute();
  const out = [];
  for (const c of contracts) {
    const today = dayIn(c.time_zone, input.now);
    if (c.start_on > today || (c.end_on !== null && c.end_on < today)) continue;
    const [allocations, standard, urgent] = await Promise.all([
      heldAllocations(db, { orgId: input.orgId, contractId: c.id, today }),
      remoteHandsPrice(db, { contractId: c.id, siteId: c.site_id, urgent: false, on: today }),
      remoteHandsPrice(db, { contractId: c.id, siteId: c.site_id, urgent: true, on: today }),
    ]);
    out.push({ ...c, ref: c.id.slice(0, 8).toUpperCase(), allocations, standardPriceMinor: standard ?? null, urgentPriceMinor: urgent ?? null });
  }
  return { contracts: out, clientKey: randomUUID() };
}

function heldAllocations(db: Executor, input: { orgId: string; contractId: string; today: string }) {
  return db
    .selectFrom("allocations as a")
    .innerJoin("racks as r", "r.id", "a.rack_id")
    .innerJoin("rooms as m", "m.id", "r.room_id")
    .select(["a.id", "a.kind", "a.first_u", "a.last_u", "r.name as rack_name", "m.name as room_name"])
    .where("a.org_id", "=", input.orgId)
    .where("a.contract_id", "=", input.contractId)
    .where("a.start_on", "<=", input.today)
    .where((eb) => eb.or([eb("a.end_on", "is", null), eb("a.end_on", ">=", input.today)]))
    .orderBy("r.name")
    .orderBy("a.first_u")
    .execute();
}

// ---------------------------------------------------------------------------------------------
// E-mails

async function notify(
  trx: Trx,
  input: { ticket: TicketRow; template: RemoteHandsTemplate; to: Recipient[]; area: "app" | "ops"; baseUrl?: string; text?: string | null; actorName?: string | null; billedMinutes?: number | null; amountMinor?: number | null },
) {
  const url = `${linkBase(input.baseUrl)}/${input.area}/desk/tickets/${input.ticket.id}`;
  for (const r of uniqueRecipients(input.to)) {
    await enqueueEmail(trx, {
      to: r.email,
      locale: r.locale,
      message: {
        template: input.template,
        props: {
          ticketRef: input.ticket.ref,
          siteName: input.ticket.site_name,
          orgName: input.ticket.org_name,
          kind: input.ticket.kind,
          urgency: input.ticket.urgency,
          text: input.text ?? null,
          actorName: input.actorName ?? null,
          billedMinutes: input.billedMinutes ?? null,
          amountMinor: input.amountMinor ?? null,
          currency: input.ticket.currency,
          url,
        },
      },
    });
  }
}

/** The tenant side of a ticket: its organisation's owners, admins and technical members, and whoever opened it. */
async function tenantRecipients(trx: Trx, ticket: TicketRow): Promise<Recipient[]> {
  const managers = await orgManagers(trx, ticket.org_id, ["owner", "admin", "technical"]);
  const opener = await trx
    .selectFrom("remote_hands_tickets as t")
    .innerJoin("users as u", "u.id", "t.opened_by")
    .innerJoin("memberships as m", (j) => j.onRef("m.user_id", "=", "u.id").onRef("m.org_id", "=", "t.org_id"))
    .select(["u.id as userId", "u.email", "u.name", "u.locale"])
    .where("t.id", "=", ticket.id)
    .execute();
  return uniqueRecipients(managers, opener);
}

/** The ticket row, locked, with its names (the lock first: `FOR UPDATE` of the ticket only). */
async function lockTicket(trx: Trx, ticketId: string) {
  if (!isUuid(ticketId)) return undefined;
  const locked = await trx.selectFrom("remote_hands_tickets").select("id").where("id", "=", ticketId).forUpdate().executeTakeFirst();
  if (!locked) return undefined;
  return ticketsQuery(trx).where("t.id", "=", ticketId).executeTakeFirstOrThrow();
}

// ---------------------------------------------------------------------------------------------
// Tenants

export interface OpenInput {
  actor: TenantActor;
  contractId: string;
  allocationIds: string[];
  kind: RemoteHandsKind;
  urgency: RemoteHandsUrgency;
  description: string;
  attachment?: { name: string; bytes: Uint8Array } | null;
  clientKey?: string;
  baseUrl?: string;
  now?: Date;
}

/**
 * The organisation opens a ticket on one of its contracts in force. The racks/units are among that
 * contract's allocations in force today (checked here and by the database); urgency "urgent" needs an
 * urgent price (the contract's or the site's); the attachment's type is read from its bytes.
 */
export async function openTicket(trx: Trx, input: OpenInput): Promise<Result<{ ticketId: string; ref: string; repeated?: boolean }>> {
  if (!tenantCan(input.actor.role, "desk:order")) return fail("not_allowed");
  if (!isUuid(input.contractId)) return fail("not_found");
  const contract = await trx
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .select(["c.id", "c.site_id", "c.start_on", "c.end_on", "s.time_zone", "s.remote_hands_target_standard_min", "s.remote_hands_target_urgent_min"])
    .where("c.id", "=", input.contractId)
    .where("c.org_id", "=", input.actor.orgId)
    .forShare("c")
    .executeTakeFirst();
  if (!contract) return fail("not_found");
  const clientKey = input.clientKey && isUuid(input.clientKey) ? input.clientKey : null;
  if (clientKey) {
    const earlier = await trx.selectFrom("remote_hands_tickets").select(["id", "ref"]).where("org_id", "=", input.actor.orgId).where("client_key", "=", clientKey).executeTakeFirst();
    if (earlier) return { ok: true, ticketId: earlier.id, ref: earlier.ref, repeated: true };
  }
  const today = dayIn(contract.time_zone, input.now);
  if (contract.start_on > today || (contract.end_on !== null && contract.end_on < today)) return fail("contract_not_active");

  const ids = [...new Set(input.allocationIds)];
  if (ids.length === 0) return fail("no_rack");
  if (ids.length > 50 || !ids.every(isUuid)) return fail("rack_not_held");
  const held = await heldAllocations(trx, { orgId: input.actor.orgId, contractId: contract.id, today });
  if (!ids.every((id) => held.some((a) => a.id === id))) return fail("rack_not_held");

  if (input.urgency === "urgent") {
    const urgent = await remoteHandsPrice(trx, { contractId: contract.id, siteId: contract.site_id, urgent: true, on: today });
    if (urgent === undefined) return fail("urgent_unavailable");
  }

  let file: { name: string; type: AttachmentType; bytes: Uint8Array } | null = null;
  if (input.attachment && input.attachment.bytes.byteLength > 0) {
    if (input.attachment.bytes.byteLength > ATTACHMENT_MAX_BYTES) return fail("attachment_too_large");
    const type = attachmentTypeOf(input.attachment.name, input.attachment.bytes);
    if (!type) return fail("attachment_type");
    file = { name: safeFileName(input.attachment.name, type), type, bytes: input.attachment.bytes };
  }

  const now = input.now ?? new Date();
  const inserted = await attempt(() =>
    trx
      .insertInto("remote_hands_tickets")
      .values({
        org_id: input.actor.orgId,
        contract_id: contract.id,
        site_id: contract.site_id,
        kind: input.kind,
        urgency: input.urgency,
        description: input.description,
        target_minutes: input.urgency === "urgent" ? contract.remote_hands_target_urgent_min : contract.remote_hands_target_standard_min,
        client_key: clientKey,
        opened_by: input.actor.id,
        opened_at: now,
      })
      .onConflict((oc) => oc.columns(["org_id", "client_key"]).doNothing())
      .returning(["id", "ref"])
      .executeTakeFirst(),
  );
  if (!inserted.ok) return inserted;
  if (!inserted.value) {
    const earlier = await trx.selectFrom("remote_hands_tickets").select(["id", "ref"]).where("org_id", "=", input.actor.orgId).where("client_key", "=", clientKey!).executeTakeFirstOrThrow();
    return { ok: true, ticketId: earlier.id, ref: earlier.ref, repeated: true };
  }
  const ticketId = inserted.value.id;
  const racks = await attempt(() => trx.insertInto("remote_hands_ticket_racks").values(ids.map((allocation_id) => ({ ticket_id: ticketId, org_id: input.actor.orgId, allocation_id }))).execute());
  if (!racks.ok) return racks;
  if (file) {
    const f = file;
    const stored = await attempt(() =>
      trx
        .insertInto("remote_hands_attachments")
        .values({ ticket_id: ticketId, org_id: input.actor.orgId, file_name: f.name, content_type: f.type, size_bytes: f.bytes.byteLength, data: f.bytes, uploaded_by: input.actor.id })
        .execute(),
    );
    if (!stored.ok) return stored;
  }
  await trx.insertInto("remote_hands_events").values({ ticket_id: ticketId, org_id: input.actor.orgId, kind: "created", author_id: input.actor.id, at: now }).execute();
  const ticket = await ticketsQuery(trx).where("t.id", "=", ticketId).executeTakeFirstOrThrow();
  await recordAudit(trx, {
    actor: input.actor,
    action: "remotehands.opened",
    entityType: "remote_hands_ticket",
    entityId: ticketId,
    orgId: input.actor.orgId,
    after: { ref: ticket.ref, contract_id: contract.id, kind: input.kind, urgency: input.urgency, allocations: ids, attachment: file ? { type: file.type, size: file.bytes.byteLength } : null },
  });
  await notify(trx, { ticket, template: "remote_hands_opened", to: await operatorsWhoCan(trx, "charges:remote_hands"), area: "ops", baseUrl: input.baseUrl, text: input.description });
  return { ok: true, ticketId, ref: ticket.ref };
}

/** The organisation cancels a ticket nobody has taken yet. */
export async function cancelTicket(trx: Trx, input: { actor: TenantActor; ticketId: string; now?: Date }): Promise<Result> {
  if (!tenantCan(input.actor.role, "desk:order")) return fail("not_allowed");
  const ticket = await lockTicket(trx, input.ticketId);
  if (!ticket || ticket.org_id !== input.actor.orgId) return fail("not_found");
  if (ticket.status !== "open") return fail("wrong_state");
  const now = input.now ?? new Date();
  const updated = await attempt(() =>
    trx.updateTable("remote_hands_tickets").set({ status: "cancelled", cancelled_by: input.actor.id, cancelled_at: now }).where("id", "=", ticket.id).where("status", "=", "open").executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  if (Number(updated.value.numUpdatedRows) !== 1) return fail("wrong_state");
  await trx.insertInto("remote_hands_events").values({ ticket_id: ticket.id, org_id: ticket.org_id, kind: "cancelled", author_id: input.actor.id, at: now }).execute();
  await recordAudit(trx, { actor: input.actor, action: "remotehands.cancelled", entityType: "remote_hands_ticket", entityId: ticket.id, orgId: ticket.org_id, before: { status: ticket.status }, after: { status: "cancelled" } });
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------
// Operators

/** An operator takes an open ticket: the wait ends, the tenant is told who handles it. */
export async function takeTicket(trx: Trx, input: { actor: Actor; ticketId: string; baseUrl?: string; now?: Date }): Promise<Result> {
  const ticket = await lockTicket(trx, input.ticketId);
  if (!ticket) return fail("not_found");
  if (ticket.status !== "open") return fail("wrong_state");
  const now = input.now ?? new Date();
  const updated = await attempt(() =>
    trx.updateTable("remote_hands_tickets").set({ status: "taken", taken_by: input.actor.id, taken_at: now }).where("id", "=", ticket.id).where("status", "=", "open").executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  if (Number(updated.value.numUpdatedRows) !== 1) return fail("wrong_state");
  await trx.insertInto("remote_hands_events").values({ ticket_id: ticket.id, org_id: ticket.org_id, kind: "taken", author_id: input.actor.id, at: now }).execute();
  const sl = serviceLevel({ openedAt: ticket.opened_at, takenAt: now, targetMinutes: ticket.target_minutes, status: "taken" });
  await recordAudit(trx, {
    actor: input.actor,
    action: "remotehands.taken",
    entityType: "remote_hands_ticket",
    entityId: ticket.id,
    orgId: ticket.org_id,
    before: { status: ticket.status },
    after: { status: "taken", waited_minutes: sl.waitedMinutes, target_met: sl.met },
  });
  await notify(trx, { ticket, template: "remote_hands_taken", to: await tenantRecipients(trx, ticket), area: "app", baseUrl: input.baseUrl, actorName: await actorName(trx, input.actor) });
  return { ok: true };
}

/** An operator posts an update the tenant reads on the ticket and by e-mail. */
export async function postUpdate(trx: Trx, input: { actor: Actor; ticketId: string; body: string; baseUrl?: string; now?: Date }): Promise<Result> {
  const ticket = await lockTicket(trx, input.ticketId);
  if (!ticket) return fail("not_found");
  if (ticket.status !== "taken") return fail("wrong_state");
  const inserted = await attempt(() =>
    trx.insertInto("remote_hands_events").values({ ticket_id: ticket.id, org_id: ticket.org_id, kind: "update", body: input.body, author_id: input.actor.id, at: input.now ?? new Date() }).execute(),
  );
  if (!inserted.ok) return inserted;
  await recordAudit(trx, { actor: input.actor, action: "remotehands.updated", entityType: "remote_hands_ticket", entityId: ticket.id, orgId: ticket.org_id, after: { body: input.body } });
  await notify(trx, { ticket, template: "remote_hands_update", to: await tenantRecipients(trx, ticket), area: "app", baseUrl: input.baseUrl, text: input.body, actorName: await actorName(trx, input.actor) });
  return { ok: true };
}

/** An operator logs minutes worked on a taken ticket (1–1440 per entry; billed at close). */
export async function logTime(trx: Trx, input: { actor: Actor; ticketId: string; minutes: number; now?: Date }): Promise<Result<{ totalMinutes: number }>> {
  const ticket = await lockTicket(trx, input.ticketId);
  if (!ticket) return fail("not_found");
  if (ticket.status !== "taken") return fail("wrong_state");
  if (!Number.isSafeInteger(input.minutes) || input.minutes < 1 || input.minutes > 1440) return fail("bad_minutes");
  const inserted = await attempt(() =>
    trx.insertInto("remote_hands_events").values({ ticket_id: ticket.id, org_id: ticket.org_id, kind: "time", minutes: input.minutes, author_id: input.actor.id, at: input.now ?? new Date() }).execute(),
  );
  if (!inserted.ok) return inserted;
  const totalMinutes = ticket.minutes_so_far + input.minutes;
  await recordAudit(trx, { actor: input.actor, action: "remotehands.time_logged", entityType: "remote_hands_ticket", entityId: ticket.id, orgId: ticket.org_id, after: { minutes: input.minutes, total_minutes: totalMinutes } });
  return { ok: true, totalMinutes };
}

/**
 * An operator closes a taken ticket with its result. The minutes logged, rounded up to the site's
 * increment, are billed once (a one-off charge carrying the ticket) at the contract's frozen price for
 * the ticket's urgency, dated the site's day of the close — or the 1st of the first later month whose
 * invoice is not issued yet. No minutes logged, no charge.
 */
export async function closeTicket(
  trx: Trx,
  input: { actor: Actor; ticketId: string; result: string; baseUrl?: string; now?: Date },
): Promise<Result<{ billedMinutes: number; amountMinor: number | null; chargedOn: string | null }>> {
  const ticket = await lockTicket(trx, input.ticketId);
  if (!ticket) return fail("not_found");
  if (ticket.status !== "taken") return fail("wrong_state");
  const now = input.now ?? new Date();
  const logged = ticket.minutes_so_far;
  const billed = billedMinutes(logged, ticket.increment_min);

  let charge: { chargedOn: string; unitPriceMinor: number; amountMinor: number } | null = null;
  if (billed > 0) {
    let chargedOn = dayIn(ticket.time_zone, now);
    // The month's invoice already issued: the first month whose invoice is still open.
    for (let i = 0; i < 24; i++) {
      const issued = await trx
        .selectFrom("invoices")
        .select("id")
        .where("org_id", "=", ticket.org_id)
        .where("site_id", "=", ticket.site_id)
        .where("period", "=", chargedOn.slice(0, 7))
        .where("status", "<>", "draft")
        .executeTakeFirst();
      if (!issued) break;
      chargedOn = `${nextMonth(chargedOn.slice(0, 7))}-01`;
    }
    try {
      const recorded = await recordOneOff(trx, {
        actor: input.actor,
        contractId: ticket.contract_id,
        kind: "remote_hands",
        chargedOn,
        quantity: hoursOf(billed),
        description: ticket.description.replace(/\s+/g, " ").slice(0, 200),
        urgent: ticket.urgency === "urgent",
        remoteHandsTicketId: ticket.id,
      });
      charge = { chargedOn, unitPriceMinor: recorded.unitPriceMinor, amountMinor: recorded.amountMinor };
    } catch (error) {
      if (error instanceof ChargeError) return fail(error.code === "no_remote_hands_price" ? "no_price" : "billing_closed");
      const code = remoteHandsErrorOf(error);
      if (code) return fail(code);
      throw error;
    }
  }
  const updated = await attempt(() =>
    trx
      .updateTable("remote_hands_tickets")
      .set({
        status: "closed",
        closed_by: input.actor.id,
        closed_at: now,
        result: input.result,
        logged_minutes: logged,
        billed_minutes: billed,
        charged_on: charge?.chargedOn ?? null,
        unit_price_minor: charge?.unitPriceMinor ?? null,
        amount_minor: charge?.amountMinor ?? null,
        currency: charge ? ticket.currency : null,
      })
      .where("id", "=", ticket.id)
      .where("status", "=", "taken")
      .executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  if (Number(updated.value.numUpdatedRows) !== 1) return fail("wrong_state");
  await trx.insertInto("remote_hands_events").values({ ticket_id: ticket.id, org_id: ticket.org_id, kind: "closed", body: input.result, author_id: input.actor.id, at: now }).execute();
  await recordAudit(trx, {
    actor: input.actor,
    action: "remotehands.closed",
    entityType: "remote_hands_ticket",
    entityId: ticket.id,
    orgId: ticket.org_id,
    before: { status: ticket.status },
    after: { status: "closed", result: input.result, logged_minutes: logged, billed_minutes: billed, charged_on: charge?.chargedOn ?? null, unit_price_minor: charge?.unitPriceMinor ?? null, amount_minor: charge?.amountMinor ?? null },
  });
  await notify(trx, {
    ticket,
    template: "remote_hands_closed",
    to: await tenantRecipients(trx, ticket),
    area: "app",
    baseUrl: input.baseUrl,
    text: input.result,
    actorName: await actorName(trx, input.actor),
    billedMinutes: billed,
    amountMinor: charge?.amountMinor ?? 0,
  });
  return { ok: true, billedMinutes: billed, amountMinor: charge?.amountMinor ?? null, chargedOn: charge?.chargedOn ?? null };
}

// ---------------------------------------------------------------------------------------------
// Site settings

/** The site's remote-hands settings (operators who manage the inventory): increment and targets. */
export async function updateRemoteHandsSettings(
  trx: Trx,
  input: { actor: Actor; siteId: string; incrementMin: number; targetStandardMin: number; targetUrgentMin: number },
): Promise<{ ok: true; changed: boolean } | { ok: false; error: "bad_increment" | "bad_targets" }> {
  if (!Number.isSafeInteger(input.incrementMin) || input.incrementMin < 3 || input.incrementMin > 240 || input.incrementMin % 3 !== 0) return { ok: false, error: "bad_increment" };
  if (input.targetUrgentMin > input.targetStandardMin) return { ok: false, error: "bad_targets" };
  const before = await trx
    .selectFrom("sites")
    .select(["remote_hands_increment_min", "remote_hands_target_standard_min", "remote_hands_target_urgent_min"])
    .where("id", "=", input.siteId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const after = { remote_hands_increment_min: input.incrementMin, remote_hands_target_standard_min: input.targetStandardMin, remote_hands_target_urgent_min: input.targetUrgentMin };
  if (JSON.stringify(before) === JSON.stringify(after)) return { ok: true, changed: false };
  await trx.updateTable("sites").set(after).where("id", "=", input.siteId).execute();
  await recordAudit(trx, { actor: input.actor, action: "remotehands.settings_changed", entityType: "site", entityId: input.siteId, before, after });
  return { ok: true, changed: true };
}

export type { RemoteHandsStatus };

/** A site's remote-hands settings, for the site's settings page. */
export async function remoteHandsSettings(db: Executor, siteId: string) {
  const s = await db
    .selectFrom("sites")
    .select(["remote_hands_increment_min as incrementMin", "remote_hands_target_standard_min as targetStandardMin", "remote_hands_target_urgent_min as targetUrgentMin"])
    .where("id", "=", siteId)
    .executeTakeFirstOrThrow();
  return s;
}
