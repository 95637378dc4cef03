/**
 * Every expected refusal of a remote-hands use-case, as a stable code with a message
 * `remotehands.error.<code>` (FR/EN). Database refusals (trigger HINTs of 2026_12_02_1200_remote_hands,
 * CHECKs, the one-charge-per-ticket key) map to the same codes, so a race lost at commit reads like
 * the check that would have caught it earlier.
 */
export const REMOTE_HANDS_ERRORS = [
  "not_found",
  "not_allowed",
  "wrong_state",
  "contract_not_active",
  "rack_not_held",
  "no_rack",
  "urgent_unavailable",
  "no_price",
  "bad_minutes",
  "attachment_type",
  "attachment_too_large",
  "attachment_empty",
  "billing_closed",
  "conflict",
] as const;
export type RemoteHandsError = (typeof REMOTE_HANDS_ERRORS)[number];

const HINTS: Record<string, RemoteHandsError> = {
  remote_hands_transition: "wrong_state",
  remote_hands_frozen: "wrong_state",
  remote_hands_rack: "rack_not_held",
  contract_not_active: "contract_not_active",
};

/** The code of a database refusal, or undefined for an unexpected error (which should propagate). */
export function remoteHandsErrorOf(error: unknown): RemoteHandsError | undefined {
  if (!error || typeof error !== "object") return undefined;
  const e = error as { code?: string; hint?: string; constraint?: string };
  if (e.code === "P0001" && e.hint && HINTS[e.hint]) return HINTS[e.hint];
  if (e.code === "23505") return "conflict";
  if (e.code === "23514" && e.constraint === "remote_hands_attachments_magic") return "attachment_type";
  if (e.code === "23514" && e.constraint?.startsWith("remote_hands_attachments_")) return "attachment_too_large";
  if (e.code === "23514" && e.constraint?.startsWith("remote_hands_")) return "wrong_state";
  return undefined;
}
