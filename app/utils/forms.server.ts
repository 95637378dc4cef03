import { z } from "zod";
import { isMessageKey } from "~/i18n";
import type { FieldErrors } from "./forms";

export type ParseResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** Parse a FormData (or plain object) with a zod schema whose messages are i18n keys. */
export function parseForm<S extends z.ZodType>(schema: S, input: FormData | Record<string, unknown>): ParseResult<z.infer<S>> {
  const values = input instanceof FormData ? formDataObject(input) : input;
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, errors: issuesToErrors(result.error.issues) };
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

/** Reusable field schemas. Messages are i18n keys. */
export const fields = {
  text: (max = 200) =>
    z
      .string({ error: "error.required" })
      .trim()
      .min(1, { error: "error.required" })
      .max(max, { error: "error.tooLong" }),
  optionalText: (max = 200) =>
    z
      .string()
      .trim()
      .max(max, { error: "error.tooLong" })
      .optional()
      .transform((v) => (v ? v : undefined)),
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

