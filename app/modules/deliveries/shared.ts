/** Names and rules of deliveries that both the server and the pages use (no database). */
import type { DeliveryStatus } from "#db/schema";

export const DELIVERY_STATUSES = ["announced", "received", "stored", "delivered", "collected", "cancelled"] as const satisfies readonly DeliveryStatus[];

/** Still expected at or waiting at the site. */
export const OPEN_STATUSES = ["announced", "received", "stored"] as const satisfies readonly DeliveryStatus[];
/** At the site, waiting to go to the rack or to be collected. */
export const WAITING_STATUSES = ["received", "stored"] as const satisfies readonly DeliveryStatus[];
export const DONE_STATUSES = ["delivered", "collected", "cancelled"] as const satisfies readonly DeliveryStatus[];

/** The column limit of a parcel count (CHECK BETWEEN 1 AND 999). */
export const MAX_PARCELS = 999;
/** How far back and ahead a tenant may date an expected delivery, in days from the site's today. */
export const EXPECTED_DAYS_BEFORE = 7;
export const EXPECTED_DAYS_AHEAD = 180;

/** DL-1A2B3C4D: the reference people quote (carrier labels, e-mails). */
export const deliveryRef = (id: string) => `DL-${id.slice(0, 8).toUpperCase()}`;

/** `YYYY-MM-DD` plus `days` (calendar arithmetic in UTC). */
export function addDays(date: string, days: number) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`). */
export function daysBetween(from: string, to: string) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * A parcel received on `receivedOn` may stay `keepDays` days: on `receivedOn + keepDays` it is still
 * within its time; from the next day on (the site's local today) it is flagged, while it waits.
 */
export function keptTooLong(d: { status: DeliveryStatus; received_on: string | null }, keepDays: number, today: string) {
  return (d.status === "received" || d.status === "stored") && d.received_on !== null && today > addDays(d.received_on, keepDays);
}

/** Days a waiting parcel has been at the site (0 on the day of receipt), or null. */
export function daysAtSite(d: { status: DeliveryStatus; received_on: string | null }, today: string) {
  return (d.status === "received" || d.status === "stored") && d.received_on ? Math.max(0, daysBetween(d.received_on, today)) : null;
}

/** What a tenant may do to a delivery in `status` (its role permitting). */
export const tenantActions = (status: DeliveryStatus) => ({ cancel: status === "announced" });

/** What an operator may do to a delivery in `status`; delivering to the rack needs a rack. */
export function operatorActions(status: DeliveryStatus, hasRack: boolean) {
  return {
    receive: status === "announced",
    store: status === "received",
    deliver: (status === "received" || status === "stored") && hasRack,
    collect: status === "received" || status === "stored",
  };
}
