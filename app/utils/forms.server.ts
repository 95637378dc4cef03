import { json } from "@remix-run/node";
import { z } from "zod";
import { isMessageKey, type MessageKey } from "~/i18n";
import type { FieldErrors } from "./forms";

export type ParseResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

// ---------------------------------------------------------------------------------------------
// Reading a form body

/** A form larger than this is refused (413); the CSV import passes its own, larger limit. */
export const FORM_MAX_BYTES = 1_000_000;

const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

/** The Response a form action throws for a body it cannot read: rendered by the area's error boundary. */
export function formRefusal(status: 400 | 413 | 415, message: MessageKey) {
  return json({ message }, { status });
}

/** The request's body as sent, at most `maxBytes` (a 413 Response beyond; 400 when unreadable). */
export async function readBounded(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > maxBytes) throw formRefusal(413, "errors.formTooLarge");
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw formRefusal(413, "errors.formTooLarge");
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof Response) throw error;
    throw formRefusal(400, "errors.malformedForm");
  }
  const body = new Uint8Array(new ArrayBuffer(size));
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

/**
 * The one way form actions read their body. Only the two form encodings a browser sends are
 * accepted; anything else (no content type, JSON, XML, text) is a 415, an unreadable body
 * (malformed multipart, no boundary) a 400, a body over `maxBytes` a 413 — each thrown as a
 * Response with a localized message key, never a 500. Files are kept (the CSV import reads them).
 */
export async function readForm(request: Request, opts: { maxBytes?: number } = {}): Promise<FormData> {
  const contentType = request.headers.get("content-type") ?? "";
  const mediaType = contentType.split(";")[0].trim().toLowerCase();
  if (!FORM_TYPES.has(mediaType)) throw formRefusal(415, "errors.unsupportedMediaType");
  if (mediaType === "multipart/form-data" && !/;\s*boundary=("[^"]+"|[^;\s]+)/i.test(contentType)) {
    throw formRefusal(400, "errors.malformedForm");
  }
  const body = await readBounded(request, opts.maxBytes ?? FORM_MAX_BYTES);
  try {
    return await new Response(body as Uint8Array<ArrayBuffer>, { headers: { "Content-Type": contentType } }).formData();
  } catch {
    throw formRefusal(400, "errors.malformedForm");
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * C0 control characters (and DEL) other than tab, line feed and carriage return: never typed in a
 * form, refused by PostgreSQL (NUL) or invisible in a page. The three are kept: `fields.text` also
 * serves textareas (a rejection reason), and a pasted tab or line break harms nothing.
 */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Fields of the input whose value (or one of whose values) holds a control character. */
export function controlCharacterErrors(values: Record<string, unknown>): FieldErrors {
  const errors: FieldErrors = {};
  for (const [key, value] of Object.entries(values)) {
    const all = Array.isArray(value) ? value : [value];
    if (all.some((v) => typeof v === "string" && CONTROL_CHARACTERS.test(v))) errors[key] = "errors.invalidCharacters";
  }
  return errors;
}

/**
 * Parse a FormData (or plain object) with a zod schema whose messages are i18n keys. Any value
 * holding a control character is refused first, whatever the schema says about its field.
 */
export function parseForm<S extends z.ZodType>(schema: S, input: FormData | Record<string, unknown>): ParseResult<z.infer<S>> {
  const values = input instanceof FormData ? formDataObject(input) : input;
  const controls = controlCharacterErrors(values);
  const result = schema.safeParse(values);
  if (result.success && !Object.keys(controls).length) return { ok: true, data: result.data };
  return { ok: false, errors: { ...(result.success ? {} : issuesToErrors(result.error.issues)), ...controls } };
}

export function issuesToErrors(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = issue.path.length ? issue.path.join(".") : "form";
    if (errors[field]) continue;
    errors[field] = isMessageKey(issue.message) ? issue.message : "error.invalid";
  }
  return errors;
}

/** FormData → object of strings (last value wins; files are ignored). */
export function formDataObject(formData: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of formData.entries()) if (typeof value === "string") out[key] = value;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dates and numbers

/** The calendar window every date field accepts: wide enough for any contract, narrow enough for any loop over months. */
export const DATE_MIN = "2000-01-01";
export const DATE_MAX = "2100-12-31";

/** `YYYY-MM-DD` that names a real day (no 2026-02-30, no 0000, no +020000). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** `day` plus whole years, in UTC calendar terms (29 February → 28 February when needed). */
export function addYears(day: string, years: number): string {
  const [y, m, d] = day.split("-").map(Number);
  const date = new Date(Date.UTC(y + years, m - 1, d));
  if (date.getUTCDate() !== d) date.setUTCDate(0);
  return date.toISOString().slice(0, 10);
}

const todayUtc = () => new Date().toISOString().slice(0, 10);

/** The furthest a start date may be planned ahead, in years (requests and approvals). */
export const MAX_YEARS_AHEAD = 3;

/**
 * A calendar date field, `YYYY-MM-DD`, within [DATE_MIN, DATE_MAX]. `maxYearsAhead` also caps it
 * at that many years after today (UTC; a day's difference with the site's date does not matter
 * at that scale). `optional` turns an empty value into undefined.
 */
function dateField(opts: { maxYearsAhead?: number; invalid?: MessageKey } = {}) {
  const invalid = opts.invalid ?? "errors.date";
  return z
    .string({ error: "error.required" })
    .trim()
    .min(1, { error: "error.required" })
    .superRefine((value, ctx) => {
      if (!isCalendarDate(value)) return void ctx.addIssue({ code: "custom", message: invalid });
      if (value < DATE_MIN || value > DATE_MAX) return void ctx.addIssue({ code: "custom", message: "errors.dateRange" });
      if (opts.maxYearsAhead !== undefined && value > addYears(todayUtc(), opts.maxYearsAhead)) {
        ctx.addIssue({ code: "custom", message: "errors.dateTooFar" });
      }
    });
}

/** A whole number typed in a form (digits only, optional leading minus when `min` < 0), within [min, max]. */
function intField(min: number, max: number, messages: { format?: MessageKey; range?: MessageKey } = {}) {
  const format = messages.format ?? "errors.number";
  const range = messages.range ?? "errors.numberRange";
  return z
    .string({ error: "error.required" })
    .trim()
    .min(1, { error: "error.required" })
    .regex(min < 0 ? /^-?\d+$/ : /^\d+$/, { error: format })
    .refine((v) => v.replace(/^-?0+(?=\d)/, "").length <= 16, { error: range })
    .transform(Number)
    .pipe(z.number().int().min(min, { error: range }).max(max, { error: range }));
}

/** PostgreSQL integer (int4) bounds: any whole-number column without a tighter CHECK. */
export const INT4_MAX = 2_147_483_647;

// ---------------------------------------------------------------------------------------------
// Reusable field schemas. Messages are i18n keys.

export const fields = {
  /** Required text (an input or a textarea), without control characters. */
  text: (max = 200) =>
    z
      .string({ error: "error.required" })
      .trim()
      .min(1, { error: "error.required" })
      .max(max, { error: "error.tooLong" })
      .refine((v) => !CONTROL_CHARACTERS.test(v), { error: "errors.invalidCharacters" }),
  /** Optional text, without control characters; empty means undefined. */
  optionalText: (max = 200) =>
    z
      .string()
      .trim()
      .max(max, { error: "error.tooLong" })
      .refine((v) => !CONTROL_CHARACTERS.test(v), { error: "errors.invalidCharacters" })
      .optional()
      .transform((v) => (v ? v : undefined)),
  date: dateField,
  int: intField,
  email: () =>
    z
      .string({ error: "error.required" })
      .trim()
      .toLowerCase()
      .min(1, { error: "error.required" })
      .max(254, { error: "error.tooLong" })
      .pipe(z.email({ error: "error.email" })),
  newPassword: () =>
    z
      .string({ error: "error.required" })
      .min(1, { error: "error.required" })
      .min(10, { error: "error.passwordTooShort" })
      .max(128, { error: "error.passwordTooLong" }),
  password: () => z.string({ error: "error.required" }).min(1, { error: "error.required" }).max(128, { error: "error.passwordTooLong" }),
  choice: <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: "error.invalidChoice" }),
};

