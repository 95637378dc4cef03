/** Names and rules of remote-hands tickets that the server and the pages share (no database). */
import type { RemoteHandsKind, RemoteHandsStatus, RemoteHandsUrgency } from "#db/schema";

export const TICKET_KINDS = ["reboot", "cabling", "inspection", "media_swap", "other"] as const satisfies readonly RemoteHandsKind[];
export const TICKET_URGENCIES = ["standard", "urgent"] as const satisfies readonly RemoteHandsUrgency[];
export const TICKET_STATUSES = ["open", "taken", "closed", "cancelled"] as const satisfies readonly RemoteHandsStatus[];
/** Not closed nor cancelled: what still expects the operators. */
export const ACTIVE_STATUSES = ["open", "taken"] as const satisfies readonly RemoteHandsStatus[];

/** The longest description, update or result (the database's CHECK). */
export const TEXT_MAX = 4000;
/** The most minutes one time entry may log (a day). */
export const MINUTES_MAX = 1440;

/** Minutes logged → minutes billed: rounded UP to the site's increment (20 with 15 → 30); 0 stays 0. */
export function billedMinutes(logged: number, increment: number): number {
  if (!Number.isSafeInteger(logged) || logged <= 0) return 0;
  if (!Number.isSafeInteger(increment) || increment <= 0) throw new Error("bad increment");
  return Math.ceil(logged / increment) * increment;
}

/**
 * Billed minutes as the hours of `one_off_charges.quantity` (2 decimals, exact: the increment is a
 * multiple of 3 minutes, so every billed total is a whole number of hundredths of an hour).
 */
export function hoursOf(minutes: number): string {
  if (minutes % 3 !== 0) throw new Error(`${minutes} minutes are not an exact hundredth of an hour`);
  const h = (minutes * 5) / 3; // minutes × 100 / 60, exact for multiples of 3
  return `${Math.floor(h / 100)}.${String(h % 100).padStart(2, "0")}`;
}

/** The amount of `minutes` at an hourly price, in minor units, half up (as the billing run computes it). */
export function amountFor(minutes: number, hourlyMinor: number): number {
  // hourly × minutes / 60, rounded half up, in integers.
  const num = BigInt(hourlyMinor) * BigInt(minutes);
  const q = num / 60n;
  const r = num % 60n;
  return Number(r * 2n >= 60n ? q + 1n : q);
}

/**
 * A ticket's service level: how long it waited until taken (or until now while open) against its
 * target. `met` is undefined while it is open and within its target (not decided yet); a cancelled
 * ticket that was never taken has no service level.
 */
export function serviceLevel(input: { openedAt: Date | string; takenAt: Date | string | null; targetMinutes: number; status: RemoteHandsStatus; now?: Date }) {
  const opened = new Date(input.openedAt).getTime();
  const until = input.takenAt ? new Date(input.takenAt).getTime() : input.status === "cancelled" ? null : (input.now ?? new Date()).getTime();
  if (until === null) return { waitedMinutes: null, met: undefined, targetMinutes: input.targetMinutes };
  const waitedMinutes = Math.max(0, Math.floor((until - opened) / 60_000));
  const within = until - opened <= input.targetMinutes * 60_000;
  const met = input.takenAt ? within : within ? undefined : false;
  return { waitedMinutes, met, targetMinutes: input.targetMinutes };
}

/** What a tenant may do to a ticket in `status` (its role permitting). */
export const tenantActions = (status: RemoteHandsStatus) => ({ cancel: status === "open" });

/** What an operator may do to a ticket in `status`. */
export const operatorActions = (status: RemoteHandsStatus) => ({
  take: status === "open",
  update: status === "taken",
  logTime: status === "taken",
  close: status === "taken",
});

// ---------------------------------------------------------------------------------------------
// Attachments

export const ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;
export type AttachmentType = "image/jpeg" | "image/png" | "image/webp" | "application/pdf";
export const ATTACHMENT_EXTENSIONS: Record<AttachmentType, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "application/pdf": "pdf",
};

const startsWith = (bytes: Uint8Array, sig: number[], at = 0) => bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);

/**
 * The file's type from its first bytes (magic numbers), whatever its name or the browser's content
 * type say: JPEG (FF D8 FF), PNG (89 50 4E 47 0D 0A 1A 0A), WebP (RIFF….WEBP), PDF (%PDF-). Anything
 * else (HTML, SVG, ZIP, executables…) is undefined: refused. The database's CHECK applies the same rule.
 */
export function sniffAttachment(bytes: Uint8Array): AttachmentType | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return "image/webp";
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf";
  return undefined;
}

const EXTENSION_TYPES: Record<string, AttachmentType> = { jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", webp: "image/webp", pdf: "application/pdf" };

/**
 * The type an attachment is stored and served as: the one its bytes say, provided its name does not
 * claim another of the accepted types (a "photo.png" that holds a PDF, HTML or a ZIP is refused: the
 * sender is mistaken or hiding something). Undefined = refused.
 */
export function attachmentTypeOf(name: string, bytes: Uint8Array): AttachmentType | undefined {
  const type = sniffAttachment(bytes);
  if (!type) return undefined;
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(name.trim())?.[1]?.toLowerCase();
  const claimed = ext ? EXTENSION_TYPES[ext] : undefined;
  if (claimed && claimed !== type) return undefined;
  return type;
}

/**
 * A file name safe to store and to put in a Content-Disposition header: the last path segment,
 * control characters, quotes and slashes removed, at most 120 characters, with the extension of the
 * sniffed type (a "photo.png" that is a PDF is served as "photo.pdf").
 */
export function safeFileName(name: string, type: AttachmentType): string {
  const base = (name.split(/[\\/]/).pop() ?? "")
    .replace(/[\u0000-\u001f\u007f-\u009f"\\/;\u2028\u2029]/g, "")
    .replace(/\.[A-Za-z0-9]{1,5}$/, "")
    .trim()
    .slice(0, 100);
  return `${base || "attachment"}.${ATTACHMENT_EXTENSIONS[type]}`;
}
