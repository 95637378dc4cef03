import type { MessageKey } from "~/i18n";

/**
 * The service desk's common shapes: remote-hands tickets, visits (site access) and deliveries each
 * live in their own module and give the two desk pages what they show through these types.
 * - Tenant hub `/app/desk`: per area, how many items are open and how many need the tenant's
 *   attention (the badge count in the navigation is the sum of `attention`).
 * - Operators' per-site desk `/ops/desk/<site>`: per area, the queue's first items, oldest or most
 *   urgent first, each linking to its page.
 */
export interface TenantDeskCounts {
  open: number;
  /** Items waiting for the tenant (an answer, a refusal to read, a parcel to collect…). */
  attention: number;
}

export interface DeskQueueItem {
  id: string;
  /** Where the operator acts on it. */
  href: string;
  /** What the row says first (a ticket's type, a visitor's name, a carrier and tracking number). */
  title: string;
  /** The organisation it belongs to. */
  orgName: string;
  /** Its state, as a message key of the area (e.g. "remoteHands.status.open"). */
  statusKey: MessageKey;
  /** The instant the queue orders by (a ticket's creation, a visit's start, a parcel's expected day). */
  at: string;
  /** Marked in the queue: urgent ticket, target missed, parcel kept too long, visit today. */
  flagKey?: MessageKey;
}

export interface DeskQueue {
  total: number;
  items: DeskQueueItem[];
}
