import type { MessageKey } from "~/i18n";
import type { FieldErrors } from "~/utils/forms";
import { isUuid } from "~/utils/ids";
import { isAuditAction, type AuditAction } from "./actions";

/** What the audit log can be narrowed to; every field is optional. Dates are UTC calendar days, both inclusive. */
export interface AuditFilters {
  actor?: string;
  action?: AuditAction;
  orgId?: string;
  from?: string;
  to?: string;
  entityType?: string;
  entityId?: string;
}

/** The query-string names of the filters (the GET form's field names). */
export const FILTER_FIELDS = ["actor", "action", "org", "from", "to"] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

const DATE_MIN = "2000-01-01";
const DATE_MAX = "2100-12-31";
const CONTROL = /[\u0000-\u001F\u007F]/;

function calendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function dateError(value: string): MessageKey | undefined {
  if (!calendarDate(value)) return "audit.filter.date";
  if (value < DATE_MIN || value > DATE_MAX) return "audit.filter.dateRange";
  return undefined;
}

/**
 * Read the filters of a query string. A malformed value is reported beside its field and left
 * out of the filters (the others still apply); it never reaches the database.
 */
export function parseAuditFilters(params: URLSearchParams): {
  filters: AuditFilters;
  errors: FieldErrors;
  /** The raw values, to fill the form back (trimmed, bounded). */
  values: Record<FilterField, string>;
} {
  const values = Object.fromEntries(FILTER_FIELDS.map((f) => [f, (params.get(f) ?? "").trim().slice(0, 300)])) as Record<FilterField, string>;
  const filters: AuditFilters = {};
  const errors: FieldErrors = {};

  if (values.actor) {
    if (values.actor.length > 200 || CONTROL.test(values.actor)) errors.actor = "audit.filter.actorInvalid";
    else filters.actor = values.actor;
  }
  if (values.action) {
    if (isAuditAction(values.action)) filters.action = values.action;
    else errors.action = "audit.filter.unknownAction";
  }
  if (values.org) {
    if (isUuid(values.org)) filters.orgId = values.org.toLowerCase();
    else errors.org = "audit.filter.unknownOrg";
  }
  for (const field of ["from", "to"] as const) {
    if (!values[field]) continue;
    const error = dateError(values[field]);
    if (error) errors[field] = error;
    else filters[field] = values[field];
  }
  if (filters.from && filters.to && filters.to < filters.from) {
    errors.to = "audit.filter.dateOrder";
    delete filters.to;
  }
  // Values with control characters are not echoed back into the form.
  for (const field of FILTER_FIELDS) if (CONTROL.test(values[field])) values[field] = "";
  return { filters, errors, values };
}

/** The query string of a set of filter values (and a page), for links that keep the filters. */
export function filterQuery(values: Partial<Record<FilterField, string>>, page?: number): string {
  const params = new URLSearchParams();
  for (const field of FILTER_FIELDS) if (values[field]) params.set(field, values[field]!);
  if (page && page > 1) params.set("page", String(page));
  const query = params.toString();
  return query ? `?${query}` : "";
}
