import type { OperatorRole, TenantRole } from "#db/schema";

/**
 * Who may do what: the one place for role checks. Routes call `requireTenant(request, "members:manage")`
 * or `requireOperator(request, "orgs:verify")`, which use these tables. The README's "Roles and
 * permissions" section shows them; a unit test keeps it in step.
 */
export const TENANT_ROLES = ["owner", "admin", "billing", "technical", "viewer"] as const satisfies readonly TenantRole[];
export const OPERATOR_ROLES = ["ops_admin", "ops_noc", "ops_finance"] as const satisfies readonly OperatorRole[];

const everyone = TENANT_ROLES;
const allOps = OPERATOR_ROLES;

export const tenantPermissions = {
  "org:read": everyone,
  "members:read": everyone,
  "members:manage": ["owner", "admin"],
  "requests:read": everyone,
  "requests:create": ["owner", "admin", "technical"],
  "services:read": everyone,
  /** Asking to end a contract commits the organisation: owners and admins only. */
  "contracts:terminate": ["owner", "admin"],
  /** Ask to grow or shrink a contract (units, racks, power, bandwidth, cross-connects) from a date. */
  "contracts:amend": ["owner", "admin", "technical"],
  /** Order a cross-connect, answer one ordered by another tenant, cancel it or ask for its removal. */
  "crossconnects:order": ["owner", "admin", "technical"],
  /** The service desk: order remote hands, register visitors and badge holders, announce deliveries (every role reads it). */
  "desk:order": ["owner", "admin", "technical"],
  "usage:read": everyone,
  /** Invoices are money matters: every role but technical (issue 8). */
  "invoices:read": ["owner", "admin", "billing", "viewer"],
  "invoices:pay": ["owner", "admin", "billing"],
} as const satisfies Record<string, readonly TenantRole[]>;

export const operatorPermissions = {
  "orgs:read": allOps,
  "orgs:verify": ["ops_admin", "ops_finance"],
  "audit:read": ["ops_admin"],
  "outbox:read": allOps,
  "inventory:manage": ["ops_admin", "ops_noc"],
  /** The price lists are commercial: reading and changing them belongs to admins and finance. */
  "prices:manage": ["ops_admin", "ops_finance"],
  "requests:approve": ["ops_admin", "ops_noc"],
  /** Receive, store, deliver to the rack or hand over the tenants' parcels at the site. */
  "deliveries:handle": ["ops_admin", "ops_noc"],
  /** Site access: approve or refuse visits, check visitors in and out at the desk, see identity numbers, revoke badges. */
  "visits:manage": ["ops_admin", "ops_noc"],
  "usage:manage": ["ops_admin", "ops_noc"],
  /** Remote-hands hours are the NOC's work: they record them against the contract. */
  "charges:remote_hands": ["ops_admin", "ops_noc"],
  /** Other one-off charges and early-termination waivers are commercial: admins and finance. */
  "charges:other": ["ops_admin", "ops_finance"],
  "billing:manage": ["ops_admin", "ops_finance"],
  "payments:record": ["ops_admin", "ops_finance"],
} as const satisfies Record<string, readonly OperatorRole[]>;

export type TenantPermission = keyof typeof tenantPermissions;
export type OperatorPermission = keyof typeof operatorPermissions;

export function tenantCan(role: TenantRole, permission: TenantPermission): boolean {
  return (tenantPermissions[permission] as readonly TenantRole[]).includes(role);
}

export function operatorCan(role: OperatorRole, permission: OperatorPermission): boolean {
  return (operatorPermissions[permission] as readonly OperatorRole[]).includes(role);
}

/** Owners may grant or take away any role; admins may manage every role but owner. */
export function canAssignRole(actor: TenantRole, target: TenantRole): boolean {
  if (actor === "owner") return true;
  return actor === "admin" && target !== "owner";
}
