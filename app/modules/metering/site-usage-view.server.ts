import type { Executor } from "#db/types";
import { siteUsage } from "~/modules/billing/site-usage.server";
import { previousMonth } from "~/modules/billing/compute";
import { shortRef } from "~/modules/requests/requests.server";
import { dayIn } from "~/utils/dates";
import { isMonth } from "./contract-usage.server";
import { monthPeriod } from "./usage.server";

/**
 * The operators' usage overview of a site for a month (/ops/metering/usage): every contract active
 * in the month with its 95th percentile against its commit, energy, and peak and average power —
 * `siteUsage`, the billing run's set-based read (two statements over the rollups for the whole site).
 * The month is this month or an earlier one (default: last month, the one a run bills).
 */
export async function siteUsageOverview(db: Executor, site: { id: string; time_zone: string }, askedMonth: unknown, now = new Date()) {
  const current = dayIn(site.time_zone, now).slice(0, 7);
  const month = isMonth(askedMonth) && askedMonth <= current ? askedMonth : previousMonth(current);
  const period = await monthPeriod(db, month, site.time_zone);
  const usage = await siteUsage(db, { siteId: site.id, period, timeZone: site.time_zone });
  const ids = [...usage.keys()];
  const contracts = ids.length
    ? await db
        .selectFrom("contracts as c")
        .innerJoin("organisations as o", "o.id", "c.org_id")
        .select(["c.id", "o.name as org_name"])
        .where("c.id", "in", ids)
        .orderBy("o.name")
        .orderBy("c.id")
        .execute()
    : [];
  return {
    month,
    current,
    rows: contracts.map((c) => {
      const u = usage.get(c.id)!;
      return { id: c.id, ref: shortRef(c.id), orgName: c.org_name, p95: u.p95, samples: u.samples, aboveCommit: u.aboveCommit, energyKwh: u.energyKwh, peakW: u.peakW, averageW: u.averageW };
    }),
  };
}
