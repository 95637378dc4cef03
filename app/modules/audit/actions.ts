import type { MessageKey } from "~/i18n";

/**
 * Every action the portal records in the audit log, and the message that names it (FR/EN).
 * `recordAudit` accepts only these names, and `actions.test.ts` scans the code for every
 * recorded action: an action without a label cannot be added.
 */
export const AUDIT_ACTIONS = {
  "org.signed_up": "audit.action.org.signed_up",
  "org.verify": "audit.action.org.verify",
  "org.suspend": "audit.action.org.suspend",
  "org.reinstate": "audit.action.org.reinstate",
  "operator.created": "audit.action.operator.created",
  "member.invited": "audit.action.member.invited",
  "member.invitation_revoked": "audit.action.member.invitation_revoked",
  "member.joined": "audit.action.member.joined",
  "member.role_changed": "audit.action.member.role_changed",
  "member.removed": "audit.action.member.removed",
  "inventory.room_created": "audit.action.inventory.room_created",
  "inventory.rack_created": "audit.action.inventory.rack_created",
  "inventory.rack_updated": "audit.action.inventory.rack_updated",
  "inventory.port_created": "audit.action.inventory.port_created",
  "inventory.port_status_changed": "audit.action.inventory.port_status_changed",
  "inventory.uplink_updated": "audit.action.inventory.uplink_updated",
  "inventory.price_updated": "audit.action.inventory.price_updated",
  "inventory.product_activated": "audit.action.inventory.product_activated",
  "inventory.product_deactivated": "audit.action.inventory.product_deactivated",
  "meter.created": "audit.action.meter.created",
  "meter.attached": "audit.action.meter.attached",
  "api_token.created": "audit.action.api_token.created",
  "api_token.revoked": "audit.action.api_token.revoked",
  "usage.imported": "audit.action.usage.imported",
  "request.submitted": "audit.action.request.submitted",
  "request.cancelled": "audit.action.request.cancelled",
  "request.approved": "audit.action.request.approved",
  "request.rejected": "audit.action.request.rejected",
  "contract.termination_requested": "audit.action.contract.termination_requested",
  "contract.terminated": "audit.action.contract.terminated",
  "contract.change_rejected": "audit.action.contract.change_rejected",
  "contract.renewed": "audit.action.contract.renewed",
  "renewal.notice_given": "audit.action.renewal.notice_given",
  "renewal.price_set": "audit.action.renewal.price_set",
  "renewal.price_cleared": "audit.action.renewal.price_cleared",
  "contract.amendment_requested": "audit.action.contract.amendment_requested",
  "contract.amendment_applied": "audit.action.contract.amendment_applied",
  "contract.amendment_rejected": "audit.action.contract.amendment_rejected",
  "contract.amendment_withdrawn": "audit.action.contract.amendment_withdrawn",
  "billing.one_off_recorded": "audit.action.billing.one_off_recorded",
  "billing.early_termination_waived": "audit.action.billing.early_termination_waived",
  "billing.rate_set": "audit.action.billing.rate_set",
  "billing.issuer_updated": "audit.action.billing.issuer_updated",
  "billing.run_started": "audit.action.billing.run_started",
  "billing.draft_recomputed": "audit.action.billing.draft_recomputed",
  "billing.draft_deleted": "audit.action.billing.draft_deleted",
  "billing.invoice_issued": "audit.action.billing.invoice_issued",
  "billing.credit_note_issued": "audit.action.billing.credit_note_issued",
  "org.billing_settings_changed": "audit.action.org.billing_settings_changed",
  "billing.certificate_added": "audit.action.billing.certificate_added",
  "payment.recorded": "audit.action.payment.recorded",
  "payment.credit_applied": "audit.action.payment.credit_applied",
  "payment.allocation_undone": "audit.action.payment.allocation_undone",
  "payment.reversed": "audit.action.payment.reversed",
  "payment.refunded": "audit.action.payment.refunded",
  "statement.imported": "audit.action.statement.imported",
  "statement.source_created": "audit.action.statement.source_created",
  "statement.source_updated": "audit.action.statement.source_updated",
  "statement.line_confirmed": "audit.action.statement.line_confirmed",
  "statement.line_split": "audit.action.statement.line_split",
  "statement.line_assigned": "audit.action.statement.line_assigned",
  "statement.line_not_ours": "audit.action.statement.line_not_ours",
  "reminders.schedule_changed": "audit.action.reminders.schedule_changed",
  "reminders.paused": "audit.action.reminders.paused",
  "reminders.resumed": "audit.action.reminders.resumed",
  "reminders.run_requested": "audit.action.reminders.run_requested",
  "crossconnect.ordered": "audit.action.crossconnect.ordered",
  "crossconnect.accepted": "audit.action.crossconnect.accepted",
  "crossconnect.declined": "audit.action.crossconnect.declined",
  "crossconnect.cancelled": "audit.action.crossconnect.cancelled",
  "crossconnect.removal_requested": "audit.action.crossconnect.removal_requested",
  "crossconnect.ports_assigned": "audit.action.crossconnect.ports_assigned",
  "crossconnect.installed": "audit.action.crossconnect.installed",
  "crossconnect.rejected": "audit.action.crossconnect.rejected",
  "crossconnect.removed": "audit.action.crossconnect.removed",
  "carrier.created": "audit.action.carrier.created",
  "carrier.activated": "audit.action.carrier.activated",
  "carrier.deactivated": "audit.action.carrier.deactivated",
  "remotehands.opened": "audit.action.remotehands.opened",
  "remotehands.cancelled": "audit.action.remotehands.cancelled",
  "remotehands.taken": "audit.action.remotehands.taken",
  "remotehands.updated": "audit.action.remotehands.updated",
  "remotehands.time_logged": "audit.action.remotehands.time_logged",
  "remotehands.closed": "audit.action.remotehands.closed",
  "remotehands.settings_changed": "audit.action.remotehands.settings_changed",
  "delivery.announced": "audit.action.delivery.announced",
  "delivery.cancelled": "audit.action.delivery.cancelled",
  "delivery.received": "audit.action.delivery.received",
  "delivery.stored": "audit.action.delivery.stored",
  "delivery.delivered": "audit.action.delivery.delivered",
  "delivery.collected": "audit.action.delivery.collected",
  "delivery.keep_days_changed": "audit.action.delivery.keep_days_changed",
  "delivery.recorded_unannounced": "audit.action.delivery.recorded_unannounced",
  "visit.registered": "audit.action.visit.registered",
  "visit.cancelled": "audit.action.visit.cancelled",
  "visit.approved": "audit.action.visit.approved",
  "visit.refused": "audit.action.visit.refused",
  "visit.checked_in": "audit.action.visit.checked_in",
  "visit.checked_out": "audit.action.visit.checked_out",
  "badge.added": "audit.action.badge.added",
  "badge.renewed": "audit.action.badge.renewed",
  "badge.revoked": "audit.action.badge.revoked",
} as const satisfies Record<string, MessageKey>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export const isAuditAction = (value: unknown): value is AuditAction => typeof value === "string" && Object.hasOwn(AUDIT_ACTIONS, value);

/** The message naming an action; undefined for a name no longer recorded (old rows keep their raw name). */
export function auditActionLabel(action: string): MessageKey | undefined {
  return isAuditAction(action) ? AUDIT_ACTIONS[action] : undefined;
}

/** The kinds of object an entry is about, with their label. */
export const AUDIT_ENTITIES = {
  organisation: "audit.entity.organisation",
  request: "audit.entity.request",
  contract: "audit.entity.contract",
  rack: "audit.entity.rack",
  room: "audit.entity.room",
  cross_connect_port: "audit.entity.cross_connect_port",
  site: "audit.entity.site",
  product: "audit.entity.product",
  meter: "audit.entity.meter",
  api_token: "audit.entity.api_token",
  invitation: "audit.entity.invitation",
  membership: "audit.entity.membership",
  user: "audit.entity.user",
  invoice: "audit.entity.invoice",
  exchange_rate: "audit.entity.exchange_rate",
  payment: "audit.entity.payment",
  statement_line: "audit.entity.statement_line",
  statement_source: "audit.entity.statement_source",
  job: "audit.entity.job",
  cross_connect_order: "audit.entity.cross_connect_order",
  carrier: "audit.entity.carrier",
  remote_hands_ticket: "audit.entity.remote_hands_ticket",
  delivery: "audit.entity.delivery",
  visit: "audit.entity.visit",
  badge_holder: "audit.entity.badge_holder",
} as const satisfies Record<string, MessageKey>;

export type AuditEntity = keyof typeof AUDIT_ENTITIES;

export function auditEntityLabel(entityType: string): MessageKey | undefined {
  return Object.hasOwn(AUDIT_ENTITIES, entityType) ? AUDIT_ENTITIES[entityType as AuditEntity] : undefined;
}

/** A leading `=`, `+`, `-`, `@` (or tab/carriage return) makes a spreadsheet read a cell as a formula. */
export function neutraliseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}
