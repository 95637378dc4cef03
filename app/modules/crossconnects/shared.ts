/** Names and rules of cross-connect orders that both the server and the pages use (no database). */
import type { CrossConnectMedia, CrossConnectStatus } from "#db/schema";

export const CROSS_CONNECT_MEDIA = ["smf", "mmf", "cat6"] as const satisfies readonly CrossConnectMedia[];
export const CROSS_CONNECT_STATUSES = [
  "pending_acceptance",
  "ordered",
  "installed",
  "removal_requested",
  "removed",
  "rejected",
  "cancelled",
] as const satisfies readonly CrossConnectStatus[];

/** States in which something is still expected from someone (the operators' queue). */
export const OPEN_STATUSES = ["pending_acceptance", "ordered", "removal_requested"] as const satisfies readonly CrossConnectStatus[];

/** XC-1A2B3C4D: the reference people quote (on the LOA, in e-mails, on the invoice's details). */
export const orderRef = (id: string) => `XC-${id.slice(0, 8).toUpperCase()}`;

/** What a tenant of side `side` may do to an order in `status` (their role permitting). */
export function tenantActions(status: CrossConnectStatus, side: "a" | "z") {
  return {
    accept: side === "z" && status === "pending_acceptance",
    decline: side === "z" && status === "pending_acceptance",
    cancel: side === "a" && (status === "pending_acceptance" || status === "ordered"),
    requestRemoval: status === "installed",
    loa: status !== "cancelled" && status !== "rejected",
  };
}

/** What an operator may do to an order in `status`. */
export function operatorActions(status: CrossConnectStatus) {
  return {
    assignPorts: status === "ordered",
    install: status === "ordered",
    reject: status === "pending_acceptance" || status === "ordered",
    confirmRemoval: status === "installed" || status === "removal_requested",
  };
}
