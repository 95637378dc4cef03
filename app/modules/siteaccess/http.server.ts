import type { MessageKey } from "~/i18n";
import type { SiteAccessError } from "./errors";

/** Which form field a refusal belongs to (shown next to it), when it is a field's fault. */
const FIELD_OF: Partial<Record<SiteAccessError, string>> = {
  rack_not_held: "rackIds",
  no_rack: "rackIds",
  visit_in_past: "visitOn",
  visit_too_far: "visitOn",
  window_too_long: "windowEnd",
  window_order: "windowEnd",
  wrong_site: "siteId",
  badge_validity: "validUntil",
};

/** The localized message, HTTP status and field of an expected refusal: the field's fault 400, a role 403, the state of things 409. */
export function refusal(error: SiteAccessError): { key: MessageKey; status: 400 | 403 | 404 | 409; field?: string } {
  const key = `siteaccess.error.${error}` as MessageKey;
  const field = FIELD_OF[error];
  if (error === "not_found") return { key, status: 404 };
  if (error === "not_allowed") return { key, status: 403 };
  if (field) return { key, status: 400, field };
  // Everything else is the state of things (a window over, a full badge list, a state already moved).
  return { key, status: 409 };
}
