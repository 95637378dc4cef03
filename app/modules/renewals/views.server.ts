import { sql } from "kysely";
import type { ProductKind, TenantRole } from "#db/schema";
import type { Executor } from "#db/types";
import { shortRef } from "~/modules/requests/requests.server";
import { commitmentEndOn } from "~/modules/billing/compute";
import { isUuid } from "~/utils/ids";
import { tenantCan } from "~/modules/auth/permissions";
import { addDays, daysBetween, noticeDeadline, renewalStatus, type RenewalStatus } from "./renewals";
import { announcedPrices, RENEWAL_HORIZON_DAYS, type AnnouncedPrice } from "./renewals.server";

/** What the tenant's contract page shows about renewal (components/contract-renewal.tsx). */
export interface RenewalPanel {
  contractId: string;
  today: string;
  status: RenewalStatus;
  commitmentEndsOn: string;
  /** The first day of the next commitment, and its last day, if it renews. */
  renewsOn: string;
  renewedUntil: string;
  termMonths: number;
  noticeDays: number;
  deadlineOn: string;
  deadlinePassed: boolean;
  endOn: string | null;
  noticeGiven: { givenOn: string; by: string } | null;
  /** The last tacit renewal: the commitment it started. */
  lastRenewal: { startsOn: string; endsOn: string } | null;
  prices: AnnouncedPrice[];
  currency: string;
  /** The user's role may give notice (owner, admin) and it is still possible (renews, deadline not passed). */
  canGiveNotice: boolean;
}

/** The renewal panel of one of the organisation's contracts (undefined for another organisation's). */
export async function renewalPanel(db: Executor, scope: { orgId: string; role: TenantRole }, contractId: string): Promise<RenewalPanel | undefined> {
  if (!isUuid(contractId)) return undefined;
  const c = await db
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .select(["c.id", "c.end_on", "c.commitment_ends_on", "c.term_months", "s.renewal_notice_days", "s.currency", sql<string>`site_today(c.site_id)::text`.as("today")])
    .where("c.id", "=", contractId)
    .where("c.org_id", "=", scope.orgId)
    .executeTakeFirst();
  if (!c) return undefined;
  const [optOut, last, prices] = await Promise.all([
    db
      .selectFrom("renewal_opt_outs as r")
      .leftJoin("users as u", "u.id", "r.given_by")
      .select(["r.given_on", "r.given_by_email", "u.name"])
      .where("r.contract_id", "=", c.id)
      .where("r.commitment_ends_on", "=", c.commitment_ends_on)
      .executeTakeFirst(),
    db.selectFrom("contract_renewals").select(["starts_on", "ends_on"]).where("contract_id", "=", c.id).orderBy("starts_on", "desc").limit(1).executeTakeFirst(),
    announcedPrices(db, c.id, c.commitment_ends_on),
  ]);
  const deadlineOn = noticeDeadline(c.commitment_ends_on, c.renewal_notice_days);
  const renewsOn = addDays(c.commitment_ends_on, 1);
  const status = renewalStatus({ endOn: c.end_on, commitmentEndsOn: c.commitment_ends_on, noticeGiven: Boolean(optOut) });
  return {
    contractId: c.id,
    today: c.today,
    status,
    commitmentEndsOn: c.commitment_ends_on,
    renewsOn,
    renewedUntil: commitmentEndOn(renewsOn, c.term_months),
    termMonths: c.term_months,
    noticeDays: c.renewal_notice_days,
    deadlineOn,
    deadlinePassed: c.today > deadlineOn,
    endOn: c.end_on,
    noticeGiven: optOut ? { givenOn: optOut.given_on, by: optOut.name ?? optOut.given_by_email } : null,
    lastRenewal: last ? { startsOn: last.starts_on, endsOn: last.ends_on } : null,
    prices,
    currency: c.currency,
    canGiveNotice: tenantCan(scope.role, "contracts:terminate") && status === "renews" && c.today <= deadlineOn,
  };
}

// ---------------------------------------------------------------------------------------------
// The operators' list (/ops/contracts/renewals)

export interface RenewalRow {
  id: string;
  ref: string;
  orgId: string;
  orgName: string;
  siteCode: string;
  currency: string;
  today: string;
  commitmentEndsOn: string;
  daysLeft: number;
  deadlineOn: string;
  deadlinePassed: boolean;
  status: RenewalStatus;
  endOn: string | null;
  notices: { days: number; status: "sent" | "skipped"; on: string; withPrices: boolean }[];
  noticeGiven: { givenOn: string; by: string } | null;
  prices: AnnouncedPrice[];
  /** The kinds in force on the commitment's last day, with their price now (the price form's choices). */
  lines: { kind: ProductKind; nameFr: string; nameEn: string; quantity: number; unitPriceMinor: number }[];
  /** Prices may still be set (renews, and the commitment has not ended). */
  canPrice: boolean;
}

/**
 * Contracts whose commitment ends within the next 90 days at their site (or ended and awaits the
 * day's renewal), except those ending earlier by a termination; soonest first.
 */
export async function renewalsList(db: Executor, opts: { siteCode?: string } = {}): Promise<RenewalRow[]> {
  let q = db
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .innerJoin("organisations as o", "o.id", "c.org_id")
    .select([
      "c.id",
      "c.org_id",
      "o.name as org_name",
      "s.code as site_code",
      "s.currency",
      "s.renewal_notice_days",
      "c.end_on",
      "c.commitment_ends_on",
      sql<string>`site_today(c.site_id)::text`.as("today"),
    ])
    .where(sql<boolean>`c.commitment_ends_on <= site_today(c.site_id) + ${RENEWAL_HORIZON_DAYS}::int`)
    .where((eb) => eb.or([eb("c.end_on", "is", null), eb(sql<string>`c.commitment_ends_on`, ">=", sql<string>`site_today(c.site_id)`)]))
    .where((eb) => eb.or([eb("c.end_on", "is", null), eb("c.end_on", ">=", sql<string>`c.commitment_ends_on`)]))
    .orderBy("c.commitment_ends_on")
    .orderBy("o.name")
    .orderBy("c.id");
  if (opts.siteCode) q = q.where("s.code", "=", opts.siteCode);
  const rows = await q.execute();
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [notices, optOuts, lines] = await Promise.all([
    db.selectFrom("renewal_notices").select(["contract_id", "commitment_ends_on", "days_before", "status", "run_on", "with_prices"]).where("contract_id", "in", ids).orderBy("days_before", "desc").execute(),
    db
      .selectFrom("renewal_opt_outs as r")
      .leftJoin("users as u", "u.id", "r.given_by")
      .select(["r.contract_id", "r.commitment_ends_on", "r.given_on", "r.given_by_email", "u.name"])
      .where("r.contract_id", "in", ids)
      .execute(),
    db
      .selectFrom("contract_lines")
      .select(["contract_id", "kind", "name_fr", "name_en", "quantity", "unit_price_minor", "valid_from", "valid_to"])
      .where("contract_id", "in", ids)
      .orderBy("kind")
      .execute(),
  ]);
  const out: RenewalRow[] = [];
  for (const r of rows) {
    const optOut = optOuts.find((o) => o.contract_id === r.id && o.commitment_ends_on === r.commitment_ends_on);
    const deadlineOn = noticeDeadline(r.commitment_ends_on, r.renewal_notice_days);
    const status = renewalStatus({ endOn: r.end_on, commitmentEndsOn: r.commitment_ends_on, noticeGiven: Boolean(optOut) });
    out.push({
      id: r.id,
      ref: shortRef(r.id),
      orgId: r.org_id,
      orgName: r.org_name,
      siteCode: r.site_code,
      currency: r.currency,
      today: r.today,
      commitmentEndsOn: r.commitment_ends_on,
      daysLeft: daysBetween(r.today, r.commitment_ends_on),
      deadlineOn,
      deadlinePassed: r.today > deadlineOn,
      status,
      endOn: r.end_on,
      notices: notices
        .filter((n) => n.contract_id === r.id && n.commitment_ends_on === r.commitment_ends_on)
        .map((n) => ({ days: n.days_before, status: n.status, on: n.run_on, withPrices: n.with_prices })),
      noticeGiven: optOut ? { givenOn: optOut.given_on, by: optOut.name ?? optOut.given_by_email } : null,
      prices: await announcedPrices(db, r.id, r.commitment_ends_on),
      lines: lines
        .filter((l) => l.contract_id === r.id && l.valid_from <= r.commitment_ends_on && (l.valid_to === null || l.valid_to >= r.commitment_ends_on))
        .map((l) => ({ kind: l.kind, nameFr: l.name_fr, nameEn: l.name_en, quantity: l.quantity, unitPriceMinor: Number(l.unit_price_minor) })),
      canPrice: status === "renews" && r.today <= r.commitment_ends_on,
    });
  }
  return out;
}

/** The site currency of a contract (to read a price typed in its major units), or undefined. */
export async function contractCurrency(db: Executor, contractId: string): Promise<string | undefined> {
  if (!isUuid(contractId)) return undefined;
  const row = await db.selectFrom("contracts as c").innerJoin("sites as s", "s.id", "c.site_id").select("s.currency").where("c.id", "=", contractId).executeTakeFirst();
  return row?.currency;
}
