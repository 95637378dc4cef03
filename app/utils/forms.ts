import type { MessageKey } from "~/i18n";

/** Field errors as message keys, translated where they are shown. */
export type FieldErrors = Partial<Record<string, MessageKey>>;

/** A same-site path to go back to after sign-in; anything else falls back to `fallback`. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/") {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}

/** `?page=N` from a URL, a positive integer (1 when absent or malformed). */
export function pageParam(request: Request) {
  const page = Number(new URL(request.url).searchParams.get("page"));
  return Number.isSafeInteger(page) && page >= 1 && page <= 100_000 ? page : 1;
}

/** What a form action answers: field errors, a form-level error, or a notice — all i18n keys. */
export type FormState = {
  errors?: FieldErrors;
  formError?: MessageKey;
  notice?: MessageKey;
  values?: Record<string, string>;
  done?: string;
  sent?: boolean;
};
