import { sql } from "kysely";
import type { Executor } from "#db/types";
import { contractMeters } from "~/modules/metering/meters.server";
import { energyKwh, monthPeriod, percentile95, type MeterWindow, type Period } from "~/modules/metering/usage.server";
import { shortRef } from "~/modules/requests/requests.server";
import { isUuid } from "~/utils/ids";
import type { FieldErrors } from "~/utils/forms";
import { decimalToMicros, microsToDecimal, priceTimesDecimal, sumMinor } from "./money";
import { lastDayOf } from "./compute";

/**
 * Late usage: samples that arrived for a month whose invoice is already issued. For every issued
 * (or paid) invoice, the energy and the 95th percentile of each of its contracts are computed again
 * with the usage functions the billing run uses (usage.server.ts, the reference), and compared with
 * what the invoice's lines billed:
 *
 * - energy: the energy line's quantity (kWh; 0 without a line) against the kWh now; amounts at the
 *   line's unit price (the contract's frozen energy price without a line), each rounded half-up as a
 *   line is: billed = the line's amount, now = round_half_up(kWh × price) (0 at 0 kWh);
 * - bandwidth: the overage line's p95 and quantity (max(0, p95 − commit); 0 without a line) against
 *   the p95 now, same pricing per Mbps above the commit written on the line (the contract's
 *   otherwise).
 *
 * Only invoices where a figure differs are returned, with the difference in minor units (now −
 * billed): positive = under-billed (a supplementary invoice), negative = over-billed (a credit note).
 * Contracts looked at: those with a line on the invoice and those of the organisation at the site
 * active during the month (a contract billed nothing because it had no reading yet is included).
 * A contract is compared only for what it is priced for (an energy or overage price frozen on it).
 * Credit notes already issued are not netted: the page shows the raw difference.
 */

export interface LateEnergy {
  billedKwh: string;
  currentKwh: string;
  unitPriceMinor: number;
  billedMinor: number;
  currentMinor: number;
  differenceMinor: number;
}

export interface LateBandwidth {
  /** Commit of the month, weighted by day across versions (for reading; the figures use the exact decimal). */
  commitMbps: number;
  /** p95 written on the overage line; null when none was billed (p95 ≤ commit, or no sample). */
  billedP95: string | null;
  currentP95: string | null;
  billedOverMbps: string;
  currentOverMbps: string;
  currentSamples: number;
  unitPriceMinor: number;
  billedMinor: number;
  currentMinor: number;
  differenceMinor: number;
}

export interface LateContract {
  contractId: string;
  ref: string;
  energy: LateEnergy | null;
  bandwidth: LateBandwidth | null;
  differenceMinor: number;
}

export interface LateInvoice {
  invoiceId: string;
  number: string;
  status: string;
  orgId: string;
  orgName: string;
  siteId: string;
  siteCode: string;
  period: string;
  currency: string;
  issuedOn: string | null;
  contracts: LateContract[];
  differenceMinor: number;
}

export interface LateUsageFilter {
  siteId?: string;
  period?: string;
}

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;
const canonical = (d: string) => microsToDecimal(decimalToMicros(d));
const overOf = (p95: string | null, commitMbps: number | string) => {
  if (p95 === null) return "0";
  const over = decimalToMicros(p95) - decimalToMicros(String(commitMbps));
  return over > 0n ? microsToDecimal(over) : "0";
};

export async function lateUsage(db: Executor, filter: LateUsageFilter = {}): Promise<LateInvoice[]> {
  if (filter.siteId !== undefined && !isUuid(filter.siteId)) return [];
  if (filter.period !== undefined && !PERIOD.test(filter.period)) return [];
  let q = db
    .selectFrom("invoices as i")
    .innerJoin("sites as s", "s.id", "i.site_id")
    .innerJoin("organisations as o", "o.id", "i.org_id")
    .select(["i.id", "i.number", "i.status", "i.org_id", "o.name as org_name", "i.site_id", "s.code as site_code", "s.time_zone", "i.period", "i.currency", "i.issued_on"])
    .where("i.status", "in", ["issued", "paid"]);
  if (filter.siteId) q = q.where("i.site_id", "=", filter.siteId);
  if (filter.period) q = q.where("i.period", "=", filter.period);
  const invoices = await q.orderBy("s.code").orderBy("i.period", "desc").orderBy("i.number").execute();

  const periods = new Map<string, Period>();
  const out: LateInvoice[] = [];
  for (const inv of invoices) {
    const key = `${inv.period}|${inv.time_zone}`;
    if (!periods.has(key)) periods.set(key, await monthPeriod(db, inv.period, inv.time_zone));
    const period = periods.get(key)!;
    const contracts = await compareInvoice(db, inv, period);
    if (contracts.length === 0) continue;
    out.push({
      invoiceId: inv.id,
      number: inv.number ?? "",
      status: inv.status,
      orgId: inv.org_id,
      orgName: inv.org_name,
      siteId: inv.site_id,
      siteCode: inv.site_code,
      period: inv.period,
      currency: inv.currency,
      issuedOn: inv.issued_on,
      contracts,
      differenceMinor: sumMinor(contracts.map((c) => c.differenceMinor)),
    });
  }
  return out;
}

async function compareInvoice(
  db: Executor,
  inv: { id: string; org_id: string; site_id: string; period: string; time_zone: string },
  period: Period,
): Promise<LateContract[]> {
  const lines = await db
    .selectFrom("invoice_lines")
    .select(["contract_id", "kind", "quantity", "unit_price_minor", "amount_minor", "details"])
    .where("invoice_id", "=", inv.id)
    .where("contract_id", "is not", null)
    .orderBy("position")
    .execute();
  const first = `${inv.period}-01`;
  const during = await db
    .selectFrom("contracts")
    .select(["id", "start_on"])
    .where("org_id", "=", inv.org_id)
    .where("site_id", "=", inv.site_id)
    .where("start_on", "<=", lastDayOf(inv.period))
    .where((eb) => eb.or([eb("end_on", "is", null), eb("end_on", ">=", first)]))
    .orderBy("start_on")
    .orderBy("id")
    .execute();
  const ids = [...new Set([...lines.map((l) => l.contract_id!), ...during.map((c) => c.id)])];
  if (ids.length === 0) return [];
  const last = lastDayOf(inv.period);
  const contracts = await db
    .selectFrom("contracts")
    .select(["id", sql<string>`contract_commit_mbps(id, ${first}::date, ${last}::date)::text`.as("commit_mbps")])
    .where("id", "in", ids)
    .execute();
  // Metered prices of the version in force at the end of the month (or the latest before it).
  const prices = await db
    .selectFrom("contract_lines")
    .select(["contract_id", "kind", "unit_price_minor"])
    .where("contract_id", "in", ids)
    .where("kind", "in", ["energy_kwh", "bandwidth_overage_mbps"])
    .where("valid_from", "<=", last)
    .orderBy("valid_from", "desc")
    .execute();

  const result: LateContract[] = [];
  for (const contractId of ids) {
    const line = (kind: string) => lines.find((l) => l.contract_id === contractId && l.kind === kind);
    const price = (kind: string) => prices.find((p) => p.contract_id === contractId && p.kind === kind)?.unit_price_minor;
    const energyLine = line("energy");
    const overageLine = line("bandwidth_overage");
    const energyPrice = energyLine?.unit_price_minor ?? price("energy_kwh");
    const overagePrice = overageLine?.unit_price_minor ?? price("bandwidth_overage_mbps");
    if (energyPrice === undefined && overagePrice === undefined) continue;

    const meters = await contractMeters(db, contractId, period, inv.time_zone);
    const windows = (kind: "power" | "bandwidth"): MeterWindow[] => meters.filter((m) => m.kind === kind).map((m) => ({ id: m.id, from: m.from, to: m.to }));

    let energy: LateEnergy | null = null;
    if (energyPrice !== undefined && (energyLine || windows("power").length)) {
      const billedKwh = energyLine ? canonical(energyLine.quantity) : "0";
      const currentKwh = canonical(await energyKwh(db, windows("power"), period));
      const billedMinor = energyLine?.amount_minor ?? 0;
      const currentMinor = priceTimesDecimal(energyPrice, currentKwh);
      if (billedKwh !== currentKwh || billedMinor !== currentMinor) {
        energy = { billedKwh, currentKwh, unitPriceMinor: energyPrice, billedMinor, currentMinor, differenceMinor: currentMinor - billedMinor };
      }
    }

    let bandwidth: LateBandwidth | null = null;
    if (overagePrice !== undefined && (overageLine || windows("bandwidth").length)) {
      const details = (overageLine?.details ?? null) as { p95_mbps?: string | null; commit_mbps?: number | string } | null;
      const commitMbps = String(details?.commit_mbps ?? contracts.find((c) => c.id === contractId)?.commit_mbps ?? "0");
      const billedP95 = details?.p95_mbps != null ? canonical(details.p95_mbps) : null;
      const billedOverMbps = overageLine ? canonical(overageLine.quantity) : "0";
      const now = await percentile95(db, windows("bandwidth"), period, commitMbps);
      const currentP95 = now.p95 === null ? null : canonical(now.p95);
      const currentOverMbps = overOf(currentP95, commitMbps);
      const billedMinor = overageLine?.amount_minor ?? 0;
      const currentMinor = priceTimesDecimal(overagePrice, currentOverMbps);
      const p95Differs = billedP95 !== null && billedP95 !== currentP95;
      if (p95Differs || billedOverMbps !== currentOverMbps || billedMinor !== currentMinor) {
        bandwidth = {
          commitMbps: Number(commitMbps),
          billedP95,
          currentP95,
          billedOverMbps,
          currentOverMbps,
          currentSamples: now.samples,
          unitPriceMinor: overagePrice,
          billedMinor,
          currentMinor,
          differenceMinor: currentMinor - billedMinor,
        };
      }
    }

    if (energy || bandwidth) {
      result.push({ contractId, ref: shortRef(contractId), energy, bandwidth, differenceMinor: (energy?.differenceMinor ?? 0) + (bandwidth?.differenceMinor ?? 0) });
    }
  }
  return result;
}


// ---------------------------------------------------------------------------------------------
// The operator page (app/routes/ops.billing.late-usage.tsx)


/**
 * The late-usage page for `?site=CODE&period=YYYY-MM`: the sites, the months that have issued
 * invoices (newest first; the newest is the default), and the invoices with a difference. An unknown
 * site or a malformed month is named in `errors` and left out (the page answers 400, never 500).
 */
export async function lateUsageView(db: Executor, params: URLSearchParams) {
  const errors: FieldErrors = {};
  const sites = await db.selectFrom("sites").select(["id", "code", "name"]).orderBy("code").execute();
  const siteParam = (params.get("site") ?? "").trim();
  const site = siteParam ? sites.find((s) => s.code === siteParam.toUpperCase()) : undefined;
  if (siteParam && !site) errors.site = "billingAnnex.late.error.site";

  let periodsQuery = db.selectFrom("invoices").select("period").distinct().where("status", "in", ["issued", "paid"]);
  if (site) periodsQuery = periodsQuery.where("site_id", "=", site.id);
  const periods = (await periodsQuery.orderBy("period", "desc").execute()).map((r) => r.period);

  const periodParam = (params.get("period") ?? "").trim();
  const m = PERIOD.exec(periodParam);
  let period: string | null = null;
  if (periodParam) {
    if (m && Number(m[1]) >= 2000 && Number(m[1]) <= 2100) period = periodParam;
    else errors.period = "billingAnnex.late.error.period";
  }
  period ??= periods[0] ?? null;
  if (period && !periods.includes(period)) periods.unshift(period);

  const invoices = period ? await lateUsage(db, { siteId: site?.id, period }) : [];
  return {
    sites: sites.map((s) => ({ code: s.code, name: s.name })),
    periods,
    values: { site: site?.code ?? "", period: period ?? "" },
    errors,
    invoices,
  };
}
