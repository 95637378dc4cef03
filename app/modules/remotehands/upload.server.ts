import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { formRefusal, readForm } from "~/utils/forms.server";
import { ATTACHMENT_MAX_BYTES } from "./shared";

/** Room for the form's text fields on top of the file (a 4 000-character description is ~16 KB of UTF-8). */
const FIELDS_ALLOWANCE = 256 * 1024;

export type UploadRead =
  | { ok: true; form: FormData; file: { name: string; bytes: Uint8Array } | null }
  | { ok: false; error: "attachment_too_large"; form: null };

/**
 * The new-ticket form, multipart (with its optional file) or urlencoded (without). The file is kept
 * in memory up to the attachment limit: a larger one (announced by Content-Length or found while
 * reading) is a refusal the page shows next to the field, never a 5xx. A body that is not a form is a
 * 415, an unreadable multipart body a 400 (thrown Responses with localized messages).
 */
export async function readTicketForm(request: Request): Promise<UploadRead> {
  const contentType = request.headers.get("content-type") ?? "";
  const mediaType = contentType.split(";")[0].trim().toLowerCase();
  if (mediaType !== "multipart/form-data") {
    const form = await readForm(request);
    return { ok: true, form, file: null };
  }
  if (!/;\s*boundary=("[^"]+"|[^;\s]+)/i.test(contentType)) throw formRefusal(400, "errors.malformedForm");
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > ATTACHMENT_MAX_BYTES + FIELDS_ALLOWANCE) {
    await request.body?.cancel().catch(() => {});
    return { ok: false, error: "attachment_too_large", form: null };
  }
  // A body sent without Content-Length (chunked) is cut at the same limit while it is read.
  const limit = ATTACHMENT_MAX_BYTES + FIELDS_ALLOWANCE;
  let seen = 0;
  const bounded = request.body
    ? request.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            seen += chunk.byteLength;
            if (seen > limit) controller.error(new MaxPartSizeExceededError("body", limit));
            else controller.enqueue(chunk);
          },
        }),
      )
    : null;
  let form: FormData;
  try {
    const copy = new Request(request.url, { method: request.method, headers: request.headers, body: bounded, duplex: "half" } as RequestInit);
    form = await unstable_parseMultipartFormData(copy, unstable_createMemoryUploadHandler({ maxPartSize: ATTACHMENT_MAX_BYTES }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError || seen > limit) return { ok: false, error: "attachment_too_large", form: null };
    throw formRefusal(400, "errors.malformedForm");
  }
  const part = form.get("attachment");
  let file: { name: string; bytes: Uint8Array } | null = null;
  if (part && typeof part !== "string" && part.size > 0) {
    file = { name: part.name || "attachment", bytes: new Uint8Array(await part.arrayBuffer()) };
  }
  return { ok: true, form, file };
}
