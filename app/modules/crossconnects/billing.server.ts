import type { Executor } from "#db/types";
import { lastDayOf } from "~/modules/billing/compute";
import { crossConnectLinesFor, type CrossConnectLine } from "./lines";

/**
 * The cross-connect lines of one organisation's invoice at a site for `period` (`YYYY-MM`): every
 * order it placed (A side) that was installed by the month's last day and not removed before its
 * first, through `crossConnectLinesFor` (the billing run calls this once per organisation).
 */
export async function crossConnectInvoiceLines(trx: Executor, input: { orgId: string; siteId: string; period: string }): Promise<CrossConnectLine[]> {
  const first = `${input.period}-01`;
  const last = lastDayOf(input.period);
  const orders = await trx
    .selectFrom("cross_connect_orders as x")
    .innerJoin("contracts as c", "c.id", "x.contract_id")
    .leftJoin("carriers as k", "k.id", "x.carrier_id")
    .leftJoin("organisations as z", "z.id", "x.z_org_id")
    .select(["x.id", "x.contract_id", "x.media", "x.installed_on", "x.removed_on", "x.monthly_price_minor", "x.setup_fee_minor", "c.end_on as contract_end_on", "k.name as carrier_name", "z.name as z_org_name"])
    .where("x.org_id", "=", input.orgId)
    .where("x.site_id", "=", input.siteId)
    .where("x.installed_on", "is not", null)
    .where("x.installed_on", "<=", last)
    .where((eb) => eb.or([eb("x.removed_on", "is", null), eb("x.removed_on", ">=", first)]))
    .orderBy("x.installed_on")
    .orderBy("x.id")
    .execute();
  return crossConnectLinesFor(
    input.period,
    orders.map((o) => ({
      orderId: o.id,
      contractId: o.contract_id,
      media: o.media,
      zName: o.carrier_name ?? o.z_org_name ?? "",
      installedOn: o.installed_on!,
      removedOn: o.removed_on,
      contractEndOn: o.contract_end_on,
      monthlyPriceMinor: o.monthly_price_minor,
      setupFeeMinor: o.setup_fee_minor,
    })),
  );
}
