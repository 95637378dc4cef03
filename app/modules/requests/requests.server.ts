import { sql } from "kysely";
import type { Executor, Trx } from "#db/types";
import type { RequestableKind } from "#db/schema";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { authorStillMember, linkBase, operatorsWhoCan, orgManagers, uniqueRecipients } from "~/modules/email/recipients.server";
import { isUuid } from "~/modules/orgs/organisations.server";
import { checkAvailability } from "~/modules/inventory/capacity.server";
import { t, type Locale } from "~/i18n";
import { dayIn } from "~/utils/dates";
import { caseByCaseKinds, quote, type PriceItem } from "./quote";
import type { NewRequestInput } from "./schemas.server";

/** A short human reference for a request or contract: the first 8 hex digits of its id, upper-case. */
export const shortRef = (id: string) => id.slice(0, 8).toUpperCase();

/** What a tenant picks from: every site with its currency, VAT and active prices. */
export async function sitesWithPrices(db: Executor) {
  const sites = await db.selectFrom("sites").select(["id", "code", "name", "currency", "vat_rate_bp", "time_zone"]).orderBy("code").execute();
  const products = await db
    .selectFrom("products")
    .select(["site_id", "kind", "name_fr", "name_en", "unit_price_minor", "setup_fee_minor"])
    .where("is_active", "=", true)
    .execute();
  return sites.map((s) => ({ ...s, prices: products.filter((p) => p.site_id === s.id) }));
}

export async function sitePrices(db: Executor, siteId: string): Promise<PriceItem[]> {
  return db.selectFrom("products").select(["kind", "unit_price_minor", "setup_fee_minor"]).where("site_id", "=", siteId).where("is_active", "=", true).execute();
}

/** Request lines → the needs the capacity check understands. */
export function needsOf(lines: { kind: RequestableKind; quantity: number }[]) {
  const q = (kind: RequestableKind) => lines.find((l) => l.kind === kind)?.quantity ?? 0;
  return {
    units: q("rack_unit"),
    halfRacks: q("half_rack"),
    fullRacks: q("full_rack"),
    powerW: q("power_commit_kw") * 1000,
    bandwidthMbps: q("bandwidth_commit_mbps"),
    ports: q("cross_connect"),
    cages: q("cage"),
  };
}

/** The service period a request asks for: from the desired start, for its term (last day inclusive). */
export function termPeriod(startOn: string, termMonths: number) {
  const d = new Date(`${startOn}T00:00:00Z`);
  const end = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + termMonths, d.getUTCDate() - 1));
  return { startOn, endOn: end.toISOString().slice(0, 10) };
}

/**
 * Live availability for a prospective request: what fits at the site from the desired start on, and
 * what is short. Contracts run until terminated (the term is a commitment, not an end), so the
 * check is open-ended, exactly like the allocations an approval creates. Cages are not checked: they
 * come back in `caseByCase` (arranged with the operators), never as available; power asked for with
 * a cage is arranged with it, so it is not "power without space".
 */
export async function availabilityFor(db: Executor, input: { siteId: string; desiredStartOn: string; lines: { kind: RequestableKind; quantity: number }[] }) {
  const need = needsOf(input.lines);
  const result = await checkAvailability(db, { siteId: input.siteId, period: { startOn: input.desiredStartOn, endOn: null }, ...need });
  const caseByCase = caseByCaseKinds(input.lines);
  if (caseByCase.length === 0) return { ...result, caseByCase };
  const shortages = result.shortages.filter((s) => s.kind !== "power_without_space");
  return { ...result, ok: shortages.length === 0, shortages, caseByCase };
}

export type CreateRequestError = "org_not_verified" | "no_lines" | "unknown_site" | "missing_price" | "power_without_space" | "start_in_past";

/** A tenant submits a request; the team gets it in the queue, the tenant an acknowledgement. */
export async function createRequest(
  trx: Trx,
  input: NewRequestInput & { orgId: string; actor: Actor; locale: Locale; baseUrl: string },
): Promise<{ ok: true; requestId: string } | { ok: false; error: CreateRequestError }> {
  const org = await trx.selectFrom("organisations").select(["status", "name", "is_vat_exempt"]).where("id", "=", input.orgId).executeTakeFirstOrThrow();
  if (org.status !== "verified") return { ok: false, error: "org_not_verified" };
  if (input.lines.length === 0) return { ok: false, error: "no_lines" };
  const site = await trx.selectFrom("sites").select(["id", "name", "vat_rate_bp", "time_zone"]).where("id", "=", input.siteId).executeTakeFirst();
  if (!site) return { ok: false, error: "unknown_site" };
  if (input.desiredStartOn < dayIn(site.time_zone)) return { ok: false, error: "start_in_past" };
  const priced = quote(input.lines, await sitePrices(trx, site.id), { rateBp: site.vat_rate_bp, exempt: org.is_vat_exempt });
  if (priced.missingPrices.length) return { ok: false, error: "missing_price" };
  const need = needsOf(input.lines);
  if (need.powerW > 0 && need.units + need.halfRacks + need.fullRacks + need.cages === 0) return { ok: false, error: "power_without_space" };

  const request = await trx
    .insertInto("requests")
    .values({
      org_id: input.orgId,
      site_id: site.id,
      desired_start_on: input.desiredStartOn,
      term_months: input.termMonths,
      notes: input.notes ?? null,
      created_by: input.actor.id,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx.insertInto("request_lines").values(input.lines.map((l) => ({ request_id: request.id, kind: l.kind, quantity: l.quantity }))).execute();
  await recordAudit(trx, { actor: input.actor, action: "request.submitted", entityType: "request", entityId: request.id, orgId: input.orgId, after: { site: site.name, lines: input.lines } });
  await enqueueEmail(trx, {
    to: input.actor.email,
    locale: input.locale,
    message: {
      template: "request_received",
      props: {
        orgName: org.name,
        siteName: site.name,
        requestRef: shortRef(request.id),
        lines: input.lines.map((l) => ({ label: t(input.locale, `requests.kind.${l.kind}`), quantity: l.quantity })),
        desiredStartOn: input.desiredStartOn,
        url: `${input.baseUrl}/app/requests/${request.id}`,
      },
    },
  });
  return { ok: true, requestId: request.id };
}

export async function listOrgRequests(db: Executor, orgId: string) {
  return db
    .selectFrom("requests as r")
    .innerJoin("sites as s", "s.id", "r.site_id")
    .leftJoin("contracts as c", "c.request_id", "r.id")
    .select(["r.id", "r.status", "r.desired_start_on", "r.term_months", "r.created_at", "r.decided_at", "s.code as site_code", "s.name as site_name", "c.id as contract_id"])
    .where("r.org_id", "=", orgId)
    .orderBy("r.created_at", "desc")
    .execute();
}

/** One request with its lines, scoped: another organisation's id (or a malformed one) is undefined. */
export async function getRequest(db: Executor, scope: { orgId: string } | { operator: true }, requestId: string) {
  if (!isUuid(requestId)) return undefined;
  let query = db
    .selectFrom("requests as r")
    .innerJoin("sites as s", "s.id", "r.site_id")
    .innerJoin("organisations as o", "o.id", "r.org_id")
    .leftJoin("users as u", "u.id", "r.created_by")
    .leftJoin("contracts as c", "c.request_id", "r.id")
    .select([
      "r.id",
      "r.org_id",
      "r.site_id",
      "r.status",
      "r.desired_start_on",
      "r.term_months",
      "r.notes",
      "r.created_at",
      "r.decided_at",
      "r.rejection_reason",
      "s.code as site_code",
      "s.name as site_name",
      "s.currency",
      "s.vat_rate_bp",
      "s.time_zone",
      "o.name as org_name",
      "o.kind as org_kind",
      "o.is_vat_exempt",
      "u.name as created_by_name",
      "u.email as created_by_email",
      "c.id as contract_id",
    ])
    .where("r.id", "=", requestId);
  if ("orgId" in scope) query = query.where("r.org_id", "=", scope.orgId);
  const request = await query.executeTakeFirst();
  if (!request) return undefined;
  const lines = await db.selectFrom("request_lines").select(["kind", "quantity"]).where("request_id", "=", request.id).execute();
  const prices = await sitePrices(db, request.site_id);
  return { ...request, lines, quote: quote(lines, prices, { rateBp: request.vat_rate_bp, exempt: request.is_vat_exempt }) };
}

/**
 * A tenant cancels a pending request. Told by e-mail, each in their language: the organisation's
 * owners and admins and the request's author (tenant link), and the operators who work the queue
 * it leaves (`requests:approve`, operator link).
 */
export async function cancelRequest(trx: Trx, input: { orgId: string; requestId: string; actor: Actor; baseUrl?: string }) {
  if (!isUuid(input.requestId)) return { ok: false as const, error: "not_found" as const };
  const row = await trx
    .updateTable("requests")
    .set({ status: "cancelled", decided_at: new Date(), decided_by: input.actor.id })
    .where("id", "=", input.requestId)
    .where("org_id", "=", input.orgId)
    .where("status", "=", "pending")
    .returning(["id", "site_id", "created_by"])
    .executeTakeFirst();
  if (!row) {
    const exists = await trx.selectFrom("requests").select("status").where("id", "=", input.requestId).where("org_id", "=", input.orgId).executeTakeFirst();
    return { ok: false as const, error: exists ? ("not_pending" as const) : ("not_found" as const) };
  }
  await recordAudit(trx, { actor: input.actor, action: "request.cancelled", entityType: "request", entityId: row.id, orgId: input.orgId, before: { status: "pending" }, after: { status: "cancelled" } });

  const org = await trx.selectFrom("organisations").select("name").where("id", "=", input.orgId).executeTakeFirstOrThrow();
  const site = await trx.selectFrom("sites").select("name").where("id", "=", row.site_id).executeTakeFirstOrThrow();
  const actor = await trx.selectFrom("users").select("name").where("id", "=", input.actor.id).executeTakeFirst();
  const author = row.created_by ? await authorStillMember(trx, input.orgId, row.created_by) : undefined;
  const base = linkBase(input.baseUrl);
  const tenants = uniqueRecipients(await orgManagers(trx, input.orgId), [author]);
  const operators = uniqueRecipients(await operatorsWhoCan(trx, "requests:approve")).filter((o) => !tenants.some((m) => m.email === o.email));
  for (const [to, url] of [
    ...tenants.map((r) => [r, `${base}/app/requests/${row.id}`] as const),
    ...operators.map((r) => [r, `${base}/ops/requests/${row.id}`] as const),
  ]) {
    await enqueueEmail(trx, {
      to: to.email,
      locale: to.locale,
      message: {
        template: "request_cancelled",
        props: { orgName: org.name, siteName: site.name, requestRef: shortRef(row.id), cancelledBy: actor?.name ?? input.actor.email, url },
      },
    });
  }
  return { ok: true as const };
}

/** The operators' queue: pending requests, oldest first. */
export async function requestQueue(db: Executor) {
  return db
    .selectFrom("requests as r")
    .innerJoin("sites as s", "s.id", "r.site_id")
    .innerJoin("organisations as o", "o.id", "r.org_id")
    .select([
      "r.id",
      "r.created_at",
      "r.desired_start_on",
      "r.term_months",
      "s.code as site_code",
      "o.name as org_name",
      "o.kind as org_kind",
      (eb) => sql<string>`(select string_agg(l.kind || ':' || l.quantity, ',' order by l.kind) from request_lines l where l.request_id = ${eb.ref("r.id")})`.as("lines"),
    ])
    .where("r.status", "=", "pending")
    .orderBy("r.created_at")
    .execute();
}
