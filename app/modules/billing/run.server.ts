import { sql } from "kysely";
import type { Executor } from "#db/types";
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { contractMeters } from "~/modules/metering/meters.server";
import { energyKwh, monthPeriod, percentile95, type MeterWindow } from "~/modules/metering/usage.server";
import { registerJobHandler } from "~/modules/jobs/jobs.server";
import { activeDaysInPeriod, daysInMonth, invoiceLinesFor, lastDayOf, previousMonth, totals, type ComputedLine, type ContractBillingInput } from "./compute";
import { decimalToMicros, microsToDecimal } from "./money";
import { exemptionStatus } from "./exemptions.server";
import { oneOffsFor, waivedContracts } from "./charges.server";
import { siteUsage, type ContractUsage } from "./site-usage.server";
import { crossConnectInvoiceLines } from "~/modules/crossconnects/billing.server";

/**
 * The billing run of a site and a month (`YYYY-MM`, the site's calendar): one draft invoice per
 * organisation with a contract active at that site on at least one day of the month.
 *
 * - Each organisation is billed in ITS OWN transaction: its invoice row for (org, site, period) is
 *   locked (or created); issued, paid or void → left untouched and counted as `issued`; a draft →
 *   its lines recomputed and rewritten in place (line n keeps its row), its totals and flags set.
 *   A run killed half-way leaves every organisation either billed or not: running again finishes
 *   the job and yields the same invoices as a clean run.
 * - Lines come from compute.ts, for each contract (ordered by start date, then id) from its frozen
 *   lines, dates, term and the month's usage: energy and 95th percentile over the contract's meters in
 *   their own windows, read for a batch of organisations at a time (`siteUsage`, two set-based
 *   statements per batch, not three queries per contract; same figures as `energyKwh` /
 *   `percentile95`, the usage pages' SQL, which a contract missing from that read still goes through).
 * - VAT: the site's rate; exempt when an exemption certificate covers the LAST DAY OF THE PERIOD
 *   (the day the month's service is complete; issuing should check the issue date again).
 * - Flags: `first_invoice` (no earlier invoice at this site), `overage`, `energy_jump` (kWh > 130 %
 *   of the previous month's invoice), `exemption_expired` / `exemption_missing`.
 * - A draft of an organisation that has no contract in the month any more is deleted.
 * - One-off charges (remote hands, other charges) dated inside the month land on its invoice; an
 *   early termination is charged unless an operator waived it (charges.server.ts).
 */

export const BILLING_RUN_KIND = "billing.run";

/**
 * Usage is read for this many organisations at a time (two set-based statements per batch): few
 * statements for a large site, and none so long that the embedded database (in the server's own
 * thread) stops answering other requests, or the progress stops moving, for the length of a run.
 */
const USAGE_BATCH = 20;
export const billingRunKey = (siteCode: string, period: string) => `${BILLING_RUN_KIND}:${siteCode}:${period}`;

export interface BillingRunResult {
  site: string;
  period: string;
  /** Draft invoices of the site and month after the run. */
  invoices: number;
  /** Issued (or paid, void) invoices left untouched. */
  issued: number;
}

export type BillingProgress = (done: number, total: number, label: string | null) => unknown;

export const PERIOD_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A period `YYYY-MM` between 2000-01 and 2100-12, or null. */
export function parseBillingPeriod(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const m = PERIOD_RE.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  return year >= 2000 && year <= 2100 ? value : null;
}


export async function runBilling(
  db: Kysely<Database>,
  input: { siteCode: string; period: string; onProgress?: BillingProgress },
): Promise<BillingRunResult> {
  const period = parseBillingPeriod(input.period);
  if (!period) throw new RangeError(`not a billing period: ${input.period}`);
  const site = await db.selectFrom("sites").select(["id", "code", "currency", "vat_rate_bp", "time_zone"]).where("code", "=", input.siteCode).executeTakeFirst();
  if (!site) throw new RangeError(`unknown site: ${input.siteCode}`);
  const first = `${period}-01`;
  const last = lastDayOf(period);

  const orgs = await db
    .selectFrom("contracts as c")
    .innerJoin("organisations as o", "o.id", "c.org_id")
    .select(["o.id", "o.name"])
    .distinct()
    .where("c.site_id", "=", site.id)
    .where("c.start_on", "<=", last)
    .where((eb) => eb.or([eb("c.end_on", "is", null), eb("c.end_on", ">=", first)]))
    .orderBy("o.name")
    .orderBy("o.id")
    .execute();

  const instants = await monthPeriod(db, period, site.time_zone);
  let issued = 0;
  await input.onProgress?.(0, orgs.length, null);
  for (let start = 0; start < orgs.length; start += USAGE_BATCH) {
    const batch = orgs.slice(start, start + USAGE_BATCH);
    const usage = await siteUsage(db, { siteId: site.id, period: instants, timeZone: site.time_zone, orgIds: batch.map((o) => o.id) });
    for (const [i, org] of batch.entries()) {
      const outcome = await db.transaction().execute((trx) => billOrganisation(trx, { site, org, period, first, last, instants, usage }));
      if (outcome === "issued") issued++;
      await input.onProgress?.(start + i + 1, orgs.length, org.name);
    }
  }

  // Drafts of organisations without a contract in the month any more (contract dates corrected).
  await db.transaction().execute(async (trx) => {
    let stale = trx.deleteFrom("invoices").where("site_id", "=", site.id).where("period", "=", period).where("status", "=", "draft");
    if (orgs.length) stale = stale.where("org_id", "not in", orgs.map((o) => o.id));
    await stale.execute();
  });

  const drafts = await db
    .selectFrom("invoices")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("site_id", "=", site.id)
    .where("period", "=", period)
    .where("status", "=", "draft")
    .executeTakeFirstOrThrow();
  return { site: site.code, period, invoices: Number(drafts.n), issued };
}

type SiteRow = { id: string; code: string; currency: Database["sites"]["currency"]; vat_rate_bp: number; time_zone: string };

async function billOrganisation(
  trx: Executor,
  ctx: {
    site: SiteRow;
    org: { id: string; name: string };
    period: string;
    first: string;
    last: string;
    instants: { from: Date; to: Date };
    usage: Map<string, ContractUsage>;
  },
): Promise<"issued" | "draft"> {
  const { site, org, period, first, last, instants } = ctx;
  const existing = await trx
    .selectFrom("invoices")
    .select(["id", "status"])
    .where("org_id", "=", org.id)
    .where("site_id", "=", site.id)
    .where("period", "=", period)
    .forUpdate()
    .executeTakeFirst();
  if (existing && existing.status !== "draft") return "issued";

  const contracts = await trx
    .selectFrom("contracts")
    .select(["id", "start_on", "end_on", "term_months", sql<string>`contract_commit_mbps(id, ${first}::date, ${last}::date)::text`.as("commit_mbps")])
    // The commitment in force on the last day of service, after tacit renewals (early termination).
    .select(sql<string>`contract_commitment_end(id, end_on)::text`.as("commitment_ends_on"))
    .where("org_id", "=", org.id)
    .where("site_id", "=", site.id)
    .where("start_on", "<=", last)
    .where((eb) => eb.or([eb("end_on", "is", null), eb("end_on", ">=", first)]))
    .orderBy("start_on")
    .orderBy("id")
    .execute();

  const oneOffs = await oneOffsFor(trx, contracts.map((c) => c.id), period);
  const waived = await waivedContracts(trx, contracts.map((c) => c.id));
  const lines: (ComputedLine & { details: Record<string, unknown> })[] = [];
  let energyMicros = 0n;
  for (const c of contracts) {
    const frozen = await trx
      .selectFrom("contract_lines")
      .select(["kind", "name_fr", "name_en", "quantity", "unit_price_minor", "setup_fee_minor", "valid_from", "valid_to"])
      .where("contract_id", "=", c.id)
      .orderBy("kind")
      .orderBy("valid_from")
      .orderBy("id")
      .execute();
    const u = ctx.usage.get(c.id) ?? (await contractUsage(trx, c.id, c.commit_mbps, instants, site.time_zone));
    const kwh = u.energyKwh;
    const bw = { p95: u.p95, samples: u.samples };
    energyMicros += decimalToMicros(kwh);
    const input: ContractBillingInput = {
      contractId: c.id,
      startOn: c.start_on,
      endOn: c.end_on,
      termMonths: c.term_months,
      lines: frozen,
      commitMbps: c.commit_mbps,
      usage: { energyKwh: kwh, p95Mbps: bw.p95, samples: bw.samples },
      oneOffs: oneOffs.get(c.id) ?? [],
      earlyTerminationWaived: waived.has(c.id),
      commitmentEndOn: c.commitment_ends_on,
    };
    for (const l of invoiceLinesFor(period, input)) {
      const details: Record<string, unknown> =
        l.kind === "recurring"
          ? { active_days: l.days, days_in_month: daysInMonth(period) }
          : l.kind === "energy"
            ? { kwh, meters: u.powerMeters }
            : l.kind === "bandwidth_overage"
              ? { p95_mbps: bw.p95, commit_mbps: microsToDecimal(decimalToMicros(c.commit_mbps)), samples: bw.samples }
              : l.kind === "early_termination"
                ? { start_on: c.start_on, end_on: c.end_on, term_months: c.term_months }
                : {};
      lines.push({ ...l, details });
    }
  }
  // Installed cross-connects of the organisation (A side), prorated by day like recurring lines.
  lines.push(...(await crossConnectInvoiceLines(trx, { orgId: org.id, siteId: site.id, period })));

  const exemption = await exemptionStatus(trx, org.id, last);
  const sums = totals(lines, site.vat_rate_bp, exemption.exempt);
  const flags = await flagsFor(trx, { siteId: site.id, orgId: org.id, period, lines, energyMicros, exemptionFlag: exemption.exempt ? null : exemption.flag });
  const language = await trx.selectFrom("organisations").select("billing_language").where("id", "=", org.id).executeTakeFirstOrThrow();
  const values = {
    currency: site.currency,
    subtotal_minor: sums.subtotalMinor,
    vat_rate_bp: site.vat_rate_bp,
    vat_minor: sums.vatMinor,
    total_minor: sums.totalMinor,
    is_vat_exempt: exemption.exempt,
    vat_exemption_reference: exemption.exempt ? exemption.certificate.reference : null,
    billing_language: language.billing_language,
    flags,
  };

  let invoiceId = existing?.id;
  if (!invoiceId) {
    // A concurrent run (outside the job runner) may have created it meanwhile: then lock and reuse it.
    const created = await trx
      .insertInto("invoices")
      .values({ org_id: org.id, site_id: site.id, period, ...values })
      .onConflict((oc) => oc.columns(["org_id", "site_id", "period"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!created) return billOrganisation(trx, ctx);
    invoiceId = created.id;
  } else {
    await trx.updateTable("invoices").set({ ...values, updated_at: new Date() }).where("id", "=", invoiceId).execute();
  }

  // Line n keeps its row across re-runs; lines beyond the new count go.
  for (const [position, l] of lines.entries()) {
    const row = {
      contract_id: l.contractId,
      kind: l.kind,
      description_fr: l.descriptionFr,
      description_en: l.descriptionEn,
      quantity: l.quantity,
      unit_price_minor: l.unitPriceMinor,
      amount_minor: l.amountMinor,
      details: JSON.stringify(l.details),
    };
    await trx
      .insertInto("invoice_lines")
      .values({ invoice_id: invoiceId, position, ...row })
      .onConflict((oc) => oc.columns(["invoice_id", "position"]).doUpdateSet(row))
      .execute();
  }
  await trx.deleteFrom("invoice_lines").where("invoice_id", "=", invoiceId).where("position", ">=", lines.length).execute();
  return "draft";
}

/** One contract's usage through the reference functions (a contract that was not active when the site's usage was read). */
async function contractUsage(trx: Executor, contractId: string, commitMbps: string, instants: { from: Date; to: Date }, timeZone: string): Promise<ContractUsage> {
  const meters = await contractMeters(trx, contractId, instants, timeZone);
  const windows = (kind: "power" | "bandwidth"): MeterWindow[] => meters.filter((m) => m.kind === kind).map((m) => ({ id: m.id, from: m.from, to: m.to }));
  const energyKwhValue = await energyKwh(trx, windows("power"), instants);
  const bw = await percentile95(trx, windows("bandwidth"), instants, commitMbps);
  return { energyKwh: energyKwhValue, powerMeters: windows("power").length, p95: bw.p95, samples: bw.samples, aboveCommit: bw.aboveCommit };
}

async function flagsFor(
  trx: Executor,
  x: { siteId: string; orgId: string; period: string; lines: ComputedLine[]; energyMicros: bigint; exemptionFlag: string | null },
): Promise<string[]> {
  const flags: string[] = [];
  const earlier = await trx.selectFrom("invoices").select("id").where("org_id", "=", x.orgId).where("site_id", "=", x.siteId).where("period", "<", x.period).limit(1).executeTakeFirst();
  if (!earlier) flags.push("first_invoice");
  if (x.lines.some((l) => l.kind === "bandwidth_overage")) flags.push("overage");
  const previous = await trx
    .selectFrom("invoice_lines as l")
    .innerJoin("invoices as i", "i.id", "l.invoice_id")
    .select(sql<string>`coalesce(sum(l.quantity), 0)::text`.as("kwh"))
    .where("i.org_id", "=", x.orgId)
    .where("i.site_id", "=", x.siteId)
    .where("i.period", "=", previousMonth(x.period))
    .where("l.kind", "=", "energy")
    .executeTakeFirst();
  const before = decimalToMicros(previous?.kwh ?? "0");
  // More than 30 % above last month's billed energy: x > 1.3 × before ⇔ 10x > 13 × before.
  if (before > 0n && x.energyMicros * 10n > before * 13n) flags.push("energy_jump");
  if (x.exemptionFlag) flags.push(x.exemptionFlag);
  return flags;
}

registerJobHandler(BILLING_RUN_KIND, async ({ db, job, progress }) => {
  const payload = job.payload as { siteCode: string; period: string };
  return runBilling(db as Kysely<Database>, { siteCode: payload.siteCode, period: payload.period, onProgress: (done, total, label) => progress(done, total, label) });
});
