/**
 * What an installed cross-connect adds to its A organisation's invoice, pure and database-free:
 * - recurring: the frozen monthly price, prorated by day exactly like a contract's recurring lines
 *   (`round_half_up(monthly × active days / days in month)`), from `installed_on` to `removed_on`
 *   (inclusive), never past the A contract's last day;
 * - setup: the frozen setup fee, once, on the invoice of the month of installation.
 * Money is integer minor units; dates are `YYYY-MM-DD` of the site's calendar.
 */
import type { CrossConnectMedia } from "#db/schema";
import { activeDaysInPeriod, daysInMonth, prorate, type ComputedLine } from "~/modules/billing/compute";

export interface CrossConnectBillingInput {
  orderId: string;
  /** The A contract: the line's contract. */
  contractId: string;
  media: CrossConnectMedia;
  /** The carrier's or the Z organisation's name. */
  zName: string;
  installedOn: string;
  removedOn: string | null;
  /** The A contract's last day, if it has one. */
  contractEndOn: string | null;
  monthlyPriceMinor: number;
  setupFeeMinor: number;
}

export type CrossConnectLine = ComputedLine & { details: Record<string, unknown> };

export const MEDIA_LABELS: Record<CrossConnectMedia, string> = { smf: "SMF", mmf: "MMF", cat6: "Cat6" };

const MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
const MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

const parts = (date: string) => date.split("-").map(Number);
const dayFr = (date: string) => {
  const [y, m, d] = parts(date);
  return `${d === 1 ? "1er" : d} ${MONTHS_FR[m - 1]} ${y}`;
};
const dayEn = (date: string) => {
  const [y, m, d] = parts(date);
  return `${d} ${MONTHS_EN[m - 1]} ${y}`;
};
const monthFr = (period: string) => `${MONTHS_FR[parts(period)[1] - 1]} ${parts(period)[0]}`;
const monthEn = (period: string) => `${MONTHS_EN[parts(period)[1] - 1]} ${parts(period)[0]}`;

/** The earlier of two last days (null = open). */
function earlier(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

/** "Cross-connect SMF vers Orange CI" / "Cross-connect SMF to Orange CI" (a name cut to keep a line under 500 characters). */
export function crossConnectName(media: CrossConnectMedia, zName: string) {
  const z = zName.length > 200 ? `${zName.slice(0, 199)}…` : zName;
  return { fr: `Cross-connect ${MEDIA_LABELS[media]} vers ${z}`, en: `Cross-connect ${MEDIA_LABELS[media]} to ${z}` };
}

/** The invoice lines of the installed cross-connects of one organisation for `period` (`YYYY-MM`). */
export function crossConnectLinesFor(period: string, orders: readonly CrossConnectBillingInput[]): CrossConnectLine[] {
  const dim = daysInMonth(period);
  const first = `${period}-01`;
  const last = `${period}-${String(dim).padStart(2, "0")}`;
  const out: CrossConnectLine[] = [];
  for (const o of orders) {
    const endOn = earlier(o.removedOn, o.contractEndOn);
    if (endOn !== null && endOn < o.installedOn) continue;
    const name = crossConnectName(o.media, o.zName);
    const active = activeDaysInPeriod(period, o.installedOn, endOn);
    if (active > 0) {
      const fromOn = o.installedOn > first ? o.installedOn : first;
      const toOn = endOn !== null && endOn < last ? endOn : last;
      const spanFr = active === dim ? monthFr(period) : `du ${dayFr(fromOn)} au ${dayFr(toOn)} (${active}/${dim} jours)`;
      const spanEn = active === dim ? monthEn(period) : `${dayEn(fromOn)} to ${dayEn(toOn)} (${active}/${dim} days)`;
      out.push({
        contractId: o.contractId,
        kind: "recurring",
        descriptionFr: `${name.fr} — ${spanFr}`,
        descriptionEn: `${name.en} — ${spanEn}`,
        quantity: "1",
        unitPriceMinor: o.monthlyPriceMinor,
        amountMinor: prorate(o.monthlyPriceMinor, active, dim),
        details: { cross_connect_order_id: o.orderId, active_days: active, days_in_month: dim },
      });
    }
    if (o.installedOn.slice(0, 7) === period && o.setupFeeMinor > 0) {
      out.push({
        contractId: o.contractId,
        kind: "setup",
        descriptionFr: `Frais de mise en service — ${name.fr} (installé le ${dayFr(o.installedOn)})`,
        descriptionEn: `Setup fee — ${name.en} (installed on ${dayEn(o.installedOn)})`,
        quantity: "1",
        unitPriceMinor: o.setupFeeMinor,
        amountMinor: o.setupFeeMinor,
        details: { cross_connect_order_id: o.orderId, installed_on: o.installedOn },
      });
    }
  }
  return out;
}
