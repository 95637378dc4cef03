/**
 * Site access, visits: the use-cases (each in the caller's transaction, answering a result for every
 * expected refusal) and the queries of the tenant and operator pages.
 *
 * Who may do what:
 * - a tenant's owners, admins and technical members (`desk:order`) register a visitor at a site
 *   where the organisation holds racks on the visit's day, and cancel before the window starts;
 *   every member reads the organisation's visits;
 * - operators with `visits:manage` (ops_admin, ops_noc) approve or refuse with a reason, and check
 *   visitors in (approved, inside the window, site time) and out. Every operator step is audited;
 *   the tenant's technical contacts are e-mailed on approval and refusal.
 * A visit of another organisation is "not found", whatever the action.
 *
 * Identity numbers: shown in full only to the registering organisation's members who may register
 * visitors (owner, admin, technical) and to operators with `visits:manage`; masked (`•••••1234`)
 * for its other members, other operators, in e-mails and in the audit log. Purged by the daily job.
 *
 * Races and double submissions: each state change locks the visit row (`FOR UPDATE`) and checks its
 * state under the lock; the form carries a key (`client_key`) so a form sent twice records one
 * visit; the database's triggers refuse whatever slips through, mapped to the same codes.
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { IdDocType, VisitStatus } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { operatorCan, tenantCan } from "~/modules/auth/permissions";
import type { OperatorRole, TenantRole } from "#db/schema";
import { recordAudit, type Actor, type TenantActor } from "~/modules/audit/audit.server";
import { refusalAsResult } from "~/utils/db.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { linkBase, operatorsWhoCan, orgManagers, uniqueRecipients, type Recipient } from "~/modules/email/recipients.server";
import type { SiteAccessTemplate } from "#emails/site-access";
import { isUuid } from "~/utils/ids";
import { dayIn } from "~/utils/dates";
import { siteAccessErrorOf, type SiteAccessError } from "./errors";
import { hhmm, maskIdNumber, minutesOf, operatorVisitActions, tenantVisitActions, VISIT_MAX_DAYS_AHEAD, VISIT_MAX_MINUTES, visitRef } from "./shared";

export type { TenantActor };
export type OperatorActor = Actor & { operatorRole?: OperatorRole };
export type Result<T = object> = ({ ok: true } & T) | { ok: false; error: SiteAccessError };

const fail = (error: SiteAccessError) => ({ ok: false as const, error });

/** Run a write; a refusal the database names becomes a result, anything else is rethrown. */
export const attempt = <T>(write: () => Promise<T>) => refusalAsResult(siteAccessErrorOf, write);

export function addDays(date: string, days: number) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Who reads identity numbers in full: the registering organisation's members who may register, operators who handle visits. */
export const tenantSeesIds = (role: TenantRole) => tenantCan(role, "desk:order");
export const operatorSeesIds = (role: OperatorRole) => operatorCan(role, "visits:manage");

// ---------------------------------------------------------------------------------------------
// Reading

/** Visits with their site, organisation, registrant and window state at `now`: the one select every page starts from. */
function visitsQuery(db: Executor, now: Date) {
  return db
    .selectFrom("visits as v")
    .innerJoin("sites as s", "s.id", "v.site_id")
    .innerJoin("organisations as o", "o.id", "v.org_id")
    .leftJoin("users as u", "u.id", "v.registered_by")
    .select([
      "v.id",
      "v.org_id",
      "v.site_id",
      "v.visitor_name",
      "v.company",
      "v.id_doc_type",
      "v.id_doc_number",
      "v.id_purged_at",
      "v.visit_on",
      sql<string>`to_char(v.window_start, 'HH24:MI')`.as("window_start"),
      sql<string>`to_char(v.window_end, 'HH24:MI')`.as("window_end"),
      "v.escort_needed",
      "v.status",
      "v.refusal_reason",
      "v.registered_at",
      "v.decided_at",
      "v.cancelled_at",
      "v.checked_in_at",
      "v.checked_out_at",
      "s.code as site_code",
      "s.name as site_name",
      "s.time_zone",
      "o.name as org_name",
      "u.name as registered_by_name",
      sql<boolean>`lower(visit_window(v)) <= ${now}::timestamptz`.as("started"),
      sql<boolean>`upper(visit_window(v)) < ${now}::timestamptz`.as("over"),
      sql<boolean>`visit_window(v) @> ${now}::timestamptz`.as("in_window"),
      sql<string>`(${now}::timestamptz AT TIME ZONE s.time_zone)::date::text`.as("site_today"),
      // Every rack still held on the visit's day (a contract may have ended since it was registered).
      sql<boolean>`visit_racks_held(v)`.as("racks_held"),
    ]);
}

type VisitRow = Awaited<ReturnType<ReturnType<typeof visitsQuery>["executeTakeFirstOrThrow"]>>;

async function racksOf(db: Executor, visitIds: string[]) {
  if (!visitIds.length) return [];
  return db
    .selectFrom("visit_racks as vr")
    .innerJoin("racks as r", "r.id", "vr.rack_id")
    .innerJoin("rooms as m", "m.id", "r.room_id")
    .select(["vr.visit_id", "r.id", "r.name", "m.name as room_name"])
    .where("vr.visit_id", "in", visitIds)
    .orderBy("r.name")
    .execute();
}

export type VisitView = Omit<VisitRow, "id_doc_number"> & {
  ref: string;
  id_doc_number: string | null;
  idMasked: boolean;
  racks: { id: string; name: string; room_name: string }[];
  today: boolean;
};

/** Rows as a reader sees them: with their racks, the identity number masked unless `reveal`. */
async function shape(db: Executor, rows: VisitRow[], reveal: boolean): Promise<VisitView[]> {
  const racks = await racksOf(db, rows.map((r) => r.id));
  return rows.map((r) => ({
    ...r,
    ref: visitRef(r.id),
    id_doc_number: reveal ? r.id_doc_number : maskIdNumber(r.id_doc_number),
    idMasked: !reveal && r.id_doc_number !== null,
    racks: racks.filter((k) => k.visit_id === r.id).map(({ id, name, room_name }) => ({ id, name, room_name })),
    today: r.visit_on === r.site_today,
  }));
}

export type VisitFilter = "upcoming" | "past" | "all";

/** The organisation's visits: upcoming (from its sites' today on, soonest first) or past (latest first). */
export async function listVisitsForTenant(db: Executor, input: { orgId: string; role: TenantRole; filter?: VisitFilter; now?: Date }) {
  const now = input.now ?? new Date();
  const filter = input.filter ?? "upcoming";
  let query = visitsQuery(db, now).where("v.org_id", "=", input.orgId);
  const siteDay = sql<string>`(${now}::timestamptz AT TIME ZONE s.time_zone)::date`;
  if (filter === "upcoming") query = query.where(sql<boolean>`v.visit_on >= ${siteDay}`).orderBy("v.visit_on", "asc").orderBy("v.window_start", "asc");
  else if (filter === "past") query = query.where(sql<boolean>`v.visit_on < ${siteDay}`).orderBy("v.visit_on", "desc").orderBy("v.window_start", "desc");
  else query = query.orderBy("v.visit_on", "desc").orderBy("v.window_start", "desc");
  const rows = await query.orderBy("v.id").limit(500).execute();
  return shape(db, rows, tenantSeesIds(input.role));
}

/** One visit as its organisation sees it, or undefined: another organisation's visit is not found. */
export async function getVisitForTenant(db: Executor, input: { orgId: string; role: TenantRole; visitId: string; now?: Date }) {
  if (!isUuid(input.visitId)) return undefined;
  const row = await visitsQuery(db, input.now ?? new Date()).where("v.id", "=", input.visitId).where("v.org_id", "=", input.orgId).executeTakeFirst();
  if (!row) return undefined;
  const [visit] = await shape(db, [row], tenantSeesIds(input.role));
  return { ...visit, actions: tenantVisitActions(visit) };
}

/** One visit for the operators. */
export async function getVisitForOperator(db: Executor, input: { visitId: string; role: OperatorRole; now?: Date }) {
  if (!isUuid(input.visitId)) return undefined;
  const row = await visitsQuery(db, input.now ?? new Date()).where("v.id", "=", input.visitId).executeTakeFirst();
  if (!row) return undefined;
  const [visit] = await shape(db, [row], operatorSeesIds(input.role));
  return { ...visit, actions: operatorVisitActions({ ...visit, inWindow: visit.in_window, racksHeld: visit.racks_held }) };
}

/** The operators' list of a site: by default the requested visits (soonest first), or a status, or a day. */
export async function listVisitsForSite(db: Executor, input: { siteId: string; role: OperatorRole; status?: VisitStatus | "all"; now?: Date }) {
  const now = input.now ?? new Date();
  let query = visitsQuery(db, now).where("v.site_id", "=", input.siteId);
  const status = input.status ?? "requested";
  if (status !== "all") query = query.where("v.status", "=", status);
  if (status === "requested") query = query.where(sql<boolean>`upper(visit_window(v)) >= ${now}::timestamptz`);
  const rows = await query
    .orderBy("v.visit_on", status === "requested" ? "asc" : "desc")
    .orderBy("v.window_start", status === "requested" ? "asc" : "desc")
    .orderBy("v.id")
    .limit(500)
    .execute();
  return shape(db, rows, operatorSeesIds(input.role));
}

/**
 * The security desk list of a site for one day: exactly the approved visits of that day at that
 * site (window order), and the badge holders valid that day. Identity numbers in full for operators
 * who handle visits (the list is theirs), masked otherwise.
 */
export async function securityList(db: Executor, input: { siteId: string; day: string; role: OperatorRole; now?: Date }) {
  const now = input.now ?? new Date();
  const rows = await visitsQuery(db, now)
    .where("v.site_id", "=", input.siteId)
    .where("v.visit_on", "=", input.day)
    .where("v.status", "=", "approved")
    .orderBy("v.window_start")
    .orderBy("v.visitor_name")
    .orderBy("v.id")
    .execute();
  const reveal = operatorSeesIds(input.role);
  const visits = (await shape(db, rows, reveal)).map((v) => ({ ...v, actions: operatorVisitActions({ ...v, inWindow: v.in_window, racksHeld: v.racks_held }) }));
  const badges = await db
    .selectFrom("badge_holders as b")
    .innerJoin("organisations as o", "o.id", "b.org_id")
    .select(["b.id", "b.name", "b.company", "b.id_doc_type", "b.id_doc_number", "b.valid_until", "o.name as org_name"])
    .where("b.site_id", "=", input.siteId)
    .where("b.revoked_at", "is", null)
    .where("b.valid_until", ">=", input.day)
    .where(sql<boolean>`(b.created_at AT TIME ZONE (SELECT time_zone FROM sites WHERE id = b.site_id))::date <= ${input.day}::date`)
    .orderBy("o.name")
    .orderBy("b.name")
    .orderBy("b.id")
    .execute();
  return {
    visits,
    badges: badges.map((b) => ({ ...b, id_doc_number: reveal ? b.id_doc_number : maskIdNumber(b.id_doc_number) })),
  };
}

/**
 * What the registration form offers: the sites where the organisation holds racks from `today` on
 * (per site), each with those racks and the dates they are held. The day itself is checked when the
 * visit is recorded (and by the database).
 */
export async function visitFormOptions(db: Executor, input: { orgId: string; now?: Date }) {
  const now = input.now ?? new Date();
  const rows = await db
    .selectFrom("allocations as a")
    .innerJoin("contracts as c", "c.id", "a.contract_id")
    .innerJoin("racks as r", "r.id", "a.rack_id")
    .innerJoin("rooms as m", "m.id", "r.room_id")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .select([
      "s.id as site_id",
      "s.code as site_code",
      "s.name as site_name",
      "s.time_zone",
      "r.id as rack_id",
      "r.name as rack_name",
      "m.name as room_name",
      sql<string>`min(greatest(a.start_on, c.start_on))::text`.as("from_on"),
      sql<string | null>`CASE WHEN bool_or(a.end_on IS NULL AND c.end_on IS NULL) THEN NULL ELSE max(least(coalesce(a.end_on, c.end_on), coalesce(c.end_on, a.end_on)))::text END`.as("until_on"),
    ])
    .where("a.org_id", "=", input.orgId)
    .where(sql<boolean>`coalesce(least(a.end_on, c.end_on), a.end_on, c.end_on, 'infinity'::date) >= (${now}::timestamptz AT TIME ZONE s.time_zone)::date`)
    .groupBy(["s.id", "s.code", "s.name", "s.time_zone", "r.id", "r.name", "m.name"])
    .orderBy("s.code")
    .orderBy("r.name")
    .execute();
  const sites = new Map<string, { id: string; code: string; name: string; today: string; racks: { id: string; name: string; room: string; fromOn: string; untilOn: string | null }[] }>();
  for (const r of rows) {
    if (!sites.has(r.site_id)) sites.set(r.site_id, { id: r.site_id, code: r.site_code, name: r.site_name, today: dayIn(r.time_zone, now), racks: [] });
    sites.get(r.site_id)!.racks.push({ id: r.rack_id, name: r.rack_name, room: r.room_name, fromOn: r.from_on, untilOn: r.until_on });
  }
  return [...sites.values()];
}

// ---------------------------------------------------------------------------------------------
// E-mails

const technicalContacts = (db: Executor, orgId: string) => orgManagers(db, orgId, ["owner", "admin", "technical"]);

async function notify(
  trx: Trx,
  input: { visit: VisitRow; template: SiteAccessTemplate; to: Recipient[]; area: "app" | "ops"; baseUrl?: string; text?: string | null },
) {
  const url = `${linkBase(input.baseUrl)}/${input.area}/desk/visits/${input.visit.id}`;
  for (const r of uniqueRecipients(input.to)) {
    await enqueueEmail(trx, {
      to: r.email,
      locale: r.locale,
      message: {
        template: input.template,
        props: {
          visitRef: visitRef(input.visit.id),
          siteName: input.visit.site_name,
          orgName: input.visit.org_name,
          personName: input.visit.visitor_name,
          company: input.visit.company,
          idDocType: input.visit.id_doc_type,
          // E-mails never carry an identity number in full.
          idNumberMasked: maskIdNumber(input.visit.id_doc_number),
          date: input.visit.visit_on,
          windowStart: hhmm(input.visit.window_start),
          windowEnd: hhmm(input.visit.window_end),
          escortNeeded: input.visit.escort_needed,
          text: input.text ?? null,
          url,
        },
      },
    });
  }
}

/** The visit row, locked, with its names (the lock first: `FOR UPDATE` of the visit only). */
async function lockVisit(trx: Trx, visitId: string, now: Date) {
  if (!isUuid(visitId)) return undefined;
  const locked = await trx.selectFrom("visits").select("id").where("id", "=", visitId).forUpdate().executeTakeFirst();
  if (!locked) return undefined;
  return visitsQuery(trx, now).where("v.id", "=", visitId).executeTakeFirstOrThrow();
}

const auditView = (v: { status: string; visitor_name: string; company: string; id_doc_type: IdDocType; id_doc_number: string | null; visit_on: string; window_start: string; window_end: string }) => ({
  status: v.status,
  visitor: v.visitor_name,
  company: v.company,
  id_doc_type: v.id_doc_type,
  id_doc_number: maskIdNumber(v.id_doc_number),
  visit_on: v.visit_on,
  window: `${hhmm(v.window_start)}-${hhmm(v.window_end)}`,
});

// ---------------------------------------------------------------------------------------------
// Tenants

export interface RegisterInput {
  actor: TenantActor;
  siteId: string;
  visitOn: string;
  windowStart: string;
  windowEnd: string;
  visitorName: string;
  company: string;
  idDocType: IdDocType;
  idDocNumber: string;
  escortNeeded: boolean;
  rackIds: string[];
  clientKey?: string;
  baseUrl?: string;
  now?: Date;
}

/**
 * A tenant registers a visitor: at a site, for a day from the site's today up to 90 days ahead, a
 * window within that day of at most 12 hours that has not ended, naming racks the organisation
 * holds that day (at least one). The operators who handle visits are e-mailed.
 */
export async function registerVisit(trx: Trx, input: RegisterInput): Promise<Result<{ visitId: string }>> {
  if (!tenantCan(input.actor.role, "desk:order")) return fail("not_allowed");
  const now = input.now ?? new Date();
  if (!isUuid(input.siteId)) return fail("wrong_site");
  const site = await trx.selectFrom("sites").select(["id", "time_zone"]).where("id", "=", input.siteId).executeTakeFirst();
  if (!site) return fail("wrong_site");
  const length = minutesOf(input.windowEnd) - minutesOf(input.windowStart);
  if (length <= 0) return fail("window_order");
  if (length > VISIT_MAX_MINUTES) return fail("window_too_long");
  const today = dayIn(site.time_zone, now);
  if (input.visitOn < today) return fail("visit_in_past");
  if (input.visitOn > addDays(today, VISIT_MAX_DAYS_AHEAD)) return fail("visit_too_far");
  const rackIds = [...new Set(input.rackIds)];
  if (!rackIds.length) return fail("no_rack");
  if (rackIds.some((id) => !isUuid(id))) return fail("rack_not_held");
  const clientKey = input.clientKey && isUuid(input.clientKey) ? input.clientKey : null;
  if (clientKey) {
    const existing = await trx.selectFrom("visits").select("id").where("org_id", "=", input.actor.orgId).where("client_key", "=", clientKey).executeTakeFirst();
    if (existing) return { ok: true, visitId: existing.id };
  }
  const inserted = await attempt(() =>
    trx
      .insertInto("visits")
      .values({
        org_id: input.actor.orgId,
        site_id: site.id,
        registered_by: input.actor.id,
        visitor_name: input.visitorName,
        company: input.company,
        id_doc_type: input.idDocType,
        id_doc_number: input.idDocNumber,
        visit_on: input.visitOn,
        window_start: input.windowStart,
        window_end: input.windowEnd,
        escort_needed: input.escortNeeded,
        client_key: clientKey,
      })
      .returning("id")
      .executeTakeFirstOrThrow(),
  );
  if (!inserted.ok) return inserted;
  const visitId = inserted.value.id;
  // Rack by rack in id order: the trigger checks each against the organisation's allocations that day.
  for (const rackId of rackIds.sort()) {
    const written = await attempt(() => trx.insertInto("visit_racks").values({ visit_id: visitId, rack_id: rackId }).execute());
    if (!written.ok) return written;
  }
  const visit = await visitsQuery(trx, now).where("v.id", "=", visitId).executeTakeFirstOrThrow();
  await recordAudit(trx, {
    actor: input.actor,
    action: "visit.registered",
    entityType: "visit",
    entityId: visitId,
    orgId: input.actor.orgId,
    after: { ...auditView(visit), racks: rackIds.length, escort_needed: input.escortNeeded },
  });
  await notify(trx, { visit, template: "site_access_requested", to: await operatorsWhoCan(trx, "visits:manage"), area: "ops", baseUrl: input.baseUrl });
  return { ok: true, visitId };
}

/** The organisation cancels a requested or approved visit before its window starts. */
export async function cancelVisit(trx: Trx, input: { actor: TenantActor; visitId: string; now?: Date }): Promise<Result> {
  if (!tenantCan(input.actor.role, "desk:order")) return fail("not_allowed");
  const now = input.now ?? new Date();
  const visit = await lockVisit(trx, input.visitId, now);
  if (!visit || visit.org_id !== input.actor.orgId) return fail("not_found");
  if (visit.status !== "requested" && visit.status !== "approved") return fail("wrong_state");
  if (visit.checked_in_at) return fail("wrong_state");
  if (visit.started) return fail("visit_started");
  const updated = await attempt(() =>
    trx.updateTable("visits").set({ status: "cancelled", cancelled_by: input.actor.id, cancelled_at: now }).where("id", "=", visit.id).where("status", "=", visit.status).executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  await recordAudit(trx, { actor: input.actor, action: "visit.cancelled", entityType: "visit", entityId: visit.id, orgId: visit.org_id, before: { status: visit.status }, after: { status: "cancelled" } });
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------
// Operators

/** An operator approves a requested visit whose window has not ended; the tenant is told. */
export async function approveVisit(trx: Trx, input: { actor: OperatorActor; visitId: string; baseUrl?: string; now?: Date }): Promise<Result> {
  const now = input.now ?? new Date();
  const visit = await lockVisit(trx, input.visitId, now);
  if (!visit) return fail("not_found");
  if (visit.status !== "requested") return fail("wrong_state");
  if (visit.over) return fail("visit_over");
  if (!visit.racks_held) return fail("racks_released");
  const updated = await attempt(() =>
    trx.updateTable("visits").set({ status: "approved", decided_by: input.actor.id, decided_at: now }).where("id", "=", visit.id).where("status", "=", "requested").executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  await recordAudit(trx, { actor: input.actor, action: "visit.approved", entityType: "visit", entityId: visit.id, orgId: visit.org_id, before: auditView(visit), after: { status: "approved" } });
  await notify(trx, { visit, template: "site_access_approved", to: await technicalContacts(trx, visit.org_id), area: "app", baseUrl: input.baseUrl });
  return { ok: true };
}

/** An operator refuses a requested visit with a reason the tenant reads. */
export async function refuseVisit(trx: Trx, input: { actor: OperatorActor; visitId: string; reason: string; baseUrl?: string; now?: Date }): Promise<Result> {
  const now = input.now ?? new Date();
  const visit = await lockVisit(trx, input.visitId, now);
  if (!visit) return fail("not_found");
  if (visit.status !== "requested") return fail("wrong_state");
  const updated = await attempt(() =>
    trx
      .updateTable("visits")
      .set({ status: "refused", decided_by: input.actor.id, decided_at: now, refusal_reason: input.reason })
      .where("id", "=", visit.id)
      .where("status", "=", "requested")
      .executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  await recordAudit(trx, { actor: input.actor, action: "visit.refused", entityType: "visit", entityId: visit.id, orgId: visit.org_id, before: auditView(visit), after: { status: "refused", reason: input.reason } });
  await notify(trx, { visit, template: "site_access_refused", to: await technicalContacts(trx, visit.org_id), area: "app", baseUrl: input.baseUrl, text: input.reason });
  return { ok: true };
}

/** The desk checks a visitor in: approved, not yet in, inside the window (site time). */
export async function checkInVisit(trx: Trx, input: { actor: OperatorActor; visitId: string; siteId?: string; now?: Date }): Promise<Result> {
  const now = input.now ?? new Date();
  const visit = await lockVisit(trx, input.visitId, now);
  if (!visit || (input.siteId && visit.site_id !== input.siteId)) return fail("not_found");
  if (visit.status !== "approved") return fail("not_approved");
  if (visit.checked_in_at) return fail("already_checked_in");
  if (!visit.in_window) return fail("outside_window");
  if (!visit.racks_held) return fail("racks_released");
  const updated = await attempt(() =>
    trx.updateTable("visits").set({ checked_in_at: now, checked_in_by: input.actor.id }).where("id", "=", visit.id).where("checked_in_at", "is", null).executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  await recordAudit(trx, { actor: input.actor, action: "visit.checked_in", entityType: "visit", entityId: visit.id, orgId: visit.org_id, after: { checked_in_at: now.toISOString(), visitor: visit.visitor_name } });
  return { ok: true };
}

/** The desk checks a visitor out (any time after the check-in). */
export async function checkOutVisit(trx: Trx, input: { actor: OperatorActor; visitId: string; siteId?: string; now?: Date }): Promise<Result> {
  const now = input.now ?? new Date();
  const visit = await lockVisit(trx, input.visitId, now);
  if (!visit || (input.siteId && visit.site_id !== input.siteId)) return fail("not_found");
  if (!visit.checked_in_at) return fail("not_checked_in");
  if (visit.checked_out_at) return fail("wrong_state");
  const at = now < visit.checked_in_at ? visit.checked_in_at : now;
  const updated = await attempt(() =>
    trx.updateTable("visits").set({ checked_out_at: at, checked_out_by: input.actor.id }).where("id", "=", visit.id).where("checked_out_at", "is", null).executeTakeFirst(),
  );
  if (!updated.ok) return updated;
  await recordAudit(trx, { actor: input.actor, action: "visit.checked_out", entityType: "visit", entityId: visit.id, orgId: visit.org_id, after: { checked_out_at: at.toISOString(), visitor: visit.visitor_name } });
  return { ok: true };
}

/** A site by its code (as in URLs), with its today; undefined for an unknown code. */
export async function siteByCode(db: Executor, code: string | undefined, now = new Date()) {
  if (!code || !/^[A-Z0-9]{2,10}$/.test(code)) return undefined;
  const site = await db.selectFrom("sites").select(["id", "code", "name", "time_zone"]).where("code", "=", code).executeTakeFirst();
  return site ? { ...site, today: dayIn(site.time_zone, now) } : undefined;
}

/** A fresh key for the registration form: submitting it twice records one visit. */
export const newClientKey = () => randomUUID();
