import { stringify } from "csv-stringify/sync";
import type { SelectQueryBuilder } from "kysely";
import type { Database, TenantRole } from "#db/schema";
import type { Executor } from "#db/types";
import { t, type Locale } from "~/i18n";
import type { FieldErrors } from "~/utils/forms";
import { isUuid } from "~/utils/ids";
import { AUDIT_ACTIONS, auditActionLabel, neutraliseFormula, type AuditAction } from "./actions";
import { filterQuery, parseAuditFilters, type AuditFilters, type FilterField } from "./filters.server";

export interface Actor {
  id: string;
  email: string;
  ip?: string | null;
}

/** The name an e-mail or a timeline shows for an actor: the user's name, else the address. */
export async function actorName(db: Executor, actor: Actor): Promise<string> {
  const row = await db.selectFrom("users").select("name").where("id", "=", actor.id).executeTakeFirst();
  return row?.name || actor.email;
}

/** A member of an organisation acting for it (cross-connects, tickets, visits, deliveries): who, for which organisation, in which role. */
export type TenantActor = Actor & { orgId: string; role: TenantRole };

/**
 * Write one audit entry (who, what, which entity, before/after). Call it inside the change's
 * transaction. `action` must be one of AUDIT_ACTIONS (each has its FR/EN label).
 */
export async function recordAudit(
  db: Executor,
  entry: {
    actor: Actor | null;
    action: AuditAction;
    entityType: string;
    entityId: string;
    orgId?: string | null;
    before?: unknown;
    after?: unknown;
  },
) {
  await db
    .insertInto("audit_log")
    .values({
      actor_user_id: entry.actor?.id ?? null,
      actor_email: entry.actor?.email ?? null,
      ip: entry.actor?.ip ?? null,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      org_id: entry.orgId ?? null,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    })
    .execute();
}

type AuditQuery = SelectQueryBuilder<Database, "audit_log", object>;

/** `%` and `_` typed in a filter are literal characters, not wildcards. */
const likeContains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000);

function applyFilters(query: AuditQuery, filters: AuditFilters): AuditQuery {
  let q = query;
  if (filters.actor) q = q.where("audit_log.actor_email", "ilike", likeContains(filters.actor));
  if (filters.action) q = q.where("audit_log.action", "=", filters.action);
  if (filters.orgId) q = q.where("audit_log.org_id", "=", filters.orgId);
  if (filters.from) q = q.where("audit_log.at", ">=", new Date(`${filters.from}T00:00:00Z`));
  if (filters.to) q = q.where("audit_log.at", "<", nextDay(filters.to));
  if (filters.entityType) q = q.where("audit_log.entity_type", "=", filters.entityType);
  if (filters.entityId) q = q.where("audit_log.entity_id", "=", filters.entityId);
  return q;
}

/** Where an entry's object can be seen, and a name for it. */
export interface EntityRef {
  name: string | null;
  href: string | null;
}

async function resolveEntities(
  db: Executor,
  rows: { entity_type: string; entity_id: string; org_id: string | null; org_name: string | null }[],
  locale: Locale,
): Promise<EntityRef[]> {
  const ids = (type: string) => [...new Set(rows.filter((r) => r.entity_type === type && isUuid(r.entity_id)).map((r) => r.entity_id))];
  const byId = <T extends { id: string }>(list: T[]) => new Map(list.map((x) => [x.id, x]));
  const none = Promise.resolve([]);
  const [racks, rooms, ports, sites, products, meters, tokens, invitations, users] = await Promise.all([
    ids("rack").length
      ? db.selectFrom("racks").innerJoin("rooms", "rooms.id", "racks.room_id").innerJoin("sites", "sites.id", "rooms.site_id")
          .select(["racks.id", "racks.name", "sites.code"]).where("racks.id", "in", ids("rack")).execute()
      : none,
    ids("room").length
      ? db.selectFrom("rooms").innerJoin("sites", "sites.id", "rooms.site_id").select(["rooms.id", "rooms.name", "sites.code"]).where("rooms.id", "in", ids("room")).execute()
      : none,
    ids("cross_connect_port").length
      ? db.selectFrom("cross_connect_ports as p").innerJoin("sites", "sites.id", "p.site_id").select(["p.id", "p.name", "sites.code"]).where("p.id", "in", ids("cross_connect_port")).execute()
      : none,
    ids("site").length ? db.selectFrom("sites").select(["id", "code", "name"]).where("id", "in", ids("site")).execute() : none,
    ids("product").length
      ? db.selectFrom("products").innerJoin("sites", "sites.id", "products.site_id")
          .select(["products.id", "products.name_fr", "products.name_en", "sites.code"]).where("products.id", "in", ids("product")).execute()
      : none,
    ids("meter").length
      ? db.selectFrom("meters").innerJoin("sites", "sites.id", "meters.site_id").select(["meters.id", "meters.external_id", "sites.code"]).where("meters.id", "in", ids("meter")).execute()
      : none,
    ids("api_token").length
      ? db.selectFrom("api_tokens").innerJoin("sites", "sites.id", "api_tokens.site_id").select(["api_tokens.id", "api_tokens.name", "sites.code"]).where("api_tokens.id", "in", ids("api_token")).execute()
      : none,
    ids("invitation").length ? db.selectFrom("invitations").select(["id", "email"]).where("id", "in", ids("invitation")).execute() : none,
    ids("membership").length + ids("user").length
      ? db.selectFrom("users").select(["id", "email"]).where("id", "in", [...ids("membership"), ...ids("user")]).execute()
      : none,
  ]);
  const maps = {
    rack: byId(racks as { id: string; name: string; code: string }[]),
    room: byId(rooms as { id: string; name: string; code: string }[]),
    port: byId(ports as { id: string; name: string; code: string }[]),
    site: byId(sites as { id: string; code: string; name: string }[]),
    product: byId(products as { id: string; name_fr: string; name_en: string; code: string }[]),
    meter: byId(meters as { id: string; external_id: string; code: string }[]),
    token: byId(tokens as { id: string; name: string; code: string }[]),
    invitation: byId(invitations as { id: string; email: string }[]),
    user: byId(users as { id: string; email: string }[]),
  };
  const ref = (r: (typeof rows)[number]): EntityRef => {
    const id = r.entity_id;
    const orgPage = r.org_id ? `/ops/organisations/${r.org_id}` : null;
    const enc = encodeURIComponent;
    switch (r.entity_type) {
      case "organisation":
        return { name: r.org_id === id ? r.org_name : null, href: isUuid(id) ? `/ops/organisations/${id}` : null };
      case "request":
        return { name: id.slice(0, 8).toUpperCase(), href: isUuid(id) ? `/ops/requests/${id}` : null };
      case "contract":
        return { name: id.slice(0, 8).toUpperCase(), href: isUuid(id) ? `/ops/contracts/${id}` : null };
      case "cross_connect_order":
        return { name: `XC-${id.slice(0, 8).toUpperCase()}`, href: isUuid(id) ? `/ops/cross-connects/${id}` : null };
      case "rack": {
        const x = maps.rack.get(id);
        return x ? { name: `${x.code} · ${x.name}`, href: `/ops/sites/${enc(x.code)}/racks/${id}` } : { name: null, href: null };
      }
      case "room": {
        const x = maps.room.get(id);
        return x ? { name: `${x.code} · ${x.name}`, href: `/ops/sites/${enc(x.code)}/inventory` } : { name: null, href: null };
      }
      case "cross_connect_port": {
        const x = maps.port.get(id);
        return x ? { name: `${x.code} · ${x.name}`, href: `/ops/sites/${enc(x.code)}/inventory` } : { name: null, href: null };
      }
      case "site": {
        const x = maps.site.get(id);
        return x ? { name: x.code, href: `/ops/sites/${enc(x.code)}` } : { name: null, href: null };
      }
      case "product": {
        const x = maps.product.get(id);
        return x ? { name: `${x.code} · ${locale === "en" ? x.name_en : x.name_fr}`, href: `/ops/sites/${enc(x.code)}/prices` } : { name: null, href: null };
      }
      case "meter": {
        const x = maps.meter.get(id);
        return x ? { name: x.external_id, href: `/ops/metering?site=${enc(x.code)}` } : { name: null, href: null };
      }
      case "api_token": {
        const x = maps.token.get(id);
        return x ? { name: `${x.code} · ${x.name}`, href: `/ops/metering/tokens?site=${enc(x.code)}` } : { name: null, href: "/ops/metering/tokens" };
      }
      case "invitation":
        return { name: maps.invitation.get(id)?.email ?? null, href: orgPage };
      case "membership":
        return { name: maps.user.get(id)?.email ?? null, href: orgPage };
      case "user":
        return { name: maps.user.get(id)?.email ?? null, href: null };
      default:
        return { name: null, href: null };
    }
  };
  return rows.map(ref);
}

const baseQuery = (db: Executor) => db.selectFrom("audit_log") as AuditQuery;

/**
 * One page of the audit log, newest first, narrowed by `filters` (and the older `entityType`,
 * `entityId`, `orgId` options). Each row carries its organisation's name and a link to its object.
 */
export async function listAudit(
  db: Executor,
  opts: { page: number; pageSize?: number; entityType?: string; entityId?: string; orgId?: string; filters?: AuditFilters; locale?: Locale },
) {
  const pageSize = opts.pageSize ?? 50;
  const filters: AuditFilters = { ...opts.filters };
  if (opts.entityType) filters.entityType = opts.entityType;
  if (opts.entityId) filters.entityId = opts.entityId;
  if (opts.orgId) filters.orgId = opts.orgId;
  const query = applyFilters(baseQuery(db), filters);
  const [rows, count] = await Promise.all([
    query
      .leftJoin("organisations", "organisations.id", "audit_log.org_id")
      .selectAll("audit_log")
      .select("organisations.name as org_name")
      .orderBy("audit_log.at", "desc")
      .orderBy("audit_log.id", "desc")
      .limit(pageSize)
      .offset((opts.page - 1) * pageSize)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
  ]);
  const entities = await resolveEntities(db, rows, opts.locale ?? "fr");
  return { rows: rows.map((r, i) => ({ ...r, entity: entities[i] })), total: Number(count.n), pageSize };
}

/** The choices of the filter form: every labelled action, every organisation. */
async function filterOptions(db: Executor) {
  const orgs = await db.selectFrom("organisations").select(["id", "name"]).orderBy("name").execute();
  return { actions: Object.keys(AUDIT_ACTIONS) as AuditAction[], orgs };
}

/** Check the filters of a query string (including that an organisation exists). */
async function readFilters(db: Executor, params: URLSearchParams) {
  const parsed = parseAuditFilters(params);
  if (parsed.filters.orgId) {
    const org = await db.selectFrom("organisations").select("id").where("id", "=", parsed.filters.orgId).executeTakeFirst();
    if (!org) {
      parsed.errors.org = "audit.filter.unknownOrg";
      delete parsed.filters.orgId;
    }
  }
  return parsed;
}

const PAGE_MAX = 100_000;

/** The audit log page: filters read from the query string, the page of rows, the links that keep the filters. */
export async function auditLogView(db: Executor, params: URLSearchParams, locale: Locale) {
  const { filters, errors, values } = await readFilters(db, params);
  const asked = Number(params.get("page"));
  const page = Number.isSafeInteger(asked) && asked >= 1 && asked <= PAGE_MAX ? asked : 1;
  const [list, options] = await Promise.all([listAudit(db, { page, filters, locale }), filterOptions(db)]);
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  // The links keep only the filters that were applied.
  const kept: Partial<Record<FilterField, string>> = Object.fromEntries(Object.entries(values).filter(([field]) => !errors[field]));
  return {
    errors,
    values,
    filtered: Object.keys(filters).length > 0,
    rows: list.rows,
    total: list.total,
    page,
    pages,
    prevHref: page > 1 ? filterQuery(kept, page - 1) || "?" : null,
    nextHref: page < pages ? filterQuery(kept, page + 1) : null,
    csvHref: `/ops/audit.csv${filterQuery(kept)}`,
    options,
  };
}

const CSV_BATCH = 500;

/**
 * The filtered audit log as CSV lines (header first), read in batches newest first. Every cell that
 * a spreadsheet would take for a formula gets a leading apostrophe. Malformed filters are refused.
 */
export async function auditCsv(
  db: Executor,
  params: URLSearchParams,
  locale: Locale,
): Promise<{ ok: true; filename: string; lines: AsyncGenerator<string> } | { ok: false; errors: FieldErrors }> {
  const { filters, errors } = await readFilters(db, params);
  if (Object.keys(errors).length) return { ok: false, errors };
  const header = (["at", "actor", "action", "label", "entityType", "entityId", "orgName", "orgId", "ip", "before", "after"] as const).map((c) =>
    t(locale, `audit.csv.${c}`),
  );
  const cell = (value: unknown) => neutraliseFormula(value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value));
  async function* lines() {
    // Excel opens UTF-8 with accents correctly only with a byte-order mark.
    yield `\ufeff${stringify([header])}`;
    let lastId: number | undefined;
    for (;;) {
      let q = applyFilters(baseQuery(db), filters)
        .leftJoin("organisations", "organisations.id", "audit_log.org_id")
        .selectAll("audit_log")
        .select("organisations.name as org_name")
        .orderBy("audit_log.id", "desc")
        .limit(CSV_BATCH);
      if (lastId !== undefined) q = q.where("audit_log.id", "<", lastId);
      const rows = await q.execute();
      if (!rows.length) return;
      yield stringify(
        rows.map((r) => {
          const label = auditActionLabel(r.action);
          return [
            new Date(r.at).toISOString(),
            r.actor_email,
            r.action,
            label ? t(locale, label) : r.action,
            r.entity_type,
            r.entity_id,
            r.org_name,
            r.org_id,
            r.ip,
            r.before,
            r.after,
          ].map(cell);
        }),
      );
      if (rows.length < CSV_BATCH) return;
      lastId = Number(rows[rows.length - 1].id);
    }
  }
  const day = new Date().toISOString().slice(0, 10);
  return { ok: true, filename: `audit-${day}.csv`, lines: lines() };
}
