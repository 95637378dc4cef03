import { sql } from "kysely";
import { z } from "zod";
import { parse as parseCsv } from "csv-parse/sync";
import type { Executor } from "#db/types";
import type { Metric } from "#db/schema";

/** The ingestion contract's limits (shared/api/usage-ingest.md). */
export const MAX_SAMPLES = 10_000;
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
export const METRICS = ["energy_kwh", "power_w", "bw_in_mbps", "bw_out_mbps"] as const satisfies readonly Metric[];

export interface Issue {
  path: string;
  message: string;
}

export type IngestFailure =
  | { status: 400; body: { error: "invalid_request"; issues: Issue[] } }
  | { status: 413; body: { error: "too_large" } }
  | { status: 415; body: { error: "unsupported_media_type" } };

const invalid = (issues: Issue[]): IngestFailure => ({ status: 400, body: { error: "invalid_request", issues } });
const tooLarge: IngestFailure = { status: 413, body: { error: "too_large" } };

/** Read a request body, refusing (without buffering the rest) once it passes `maxBytes`. */
export async function readBodyLimited(request: Request, maxBytes = MAX_BODY_BYTES): Promise<string | null> {
  const declared = Number(request.headers.get("Content-Length"));
  if (Number.isFinite(declared) && declared > maxBytes) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

// ISO 8601 instant with an explicit offset or Z.
const Instant = z.iso.datetime({ offset: true, error: "must be an ISO 8601 instant with an offset or Z" });

const Sample = z.object({
  meter: z.string({ error: "must be a meter id" }).min(1, { error: "must be a meter id" }).max(100, { error: "is too long" }),
  metric: z.enum(METRICS, { error: `must be one of ${METRICS.join(", ")}` }),
  at: Instant,
  value: z.number({ error: "must be a finite number" }).finite({ error: "must be a finite number" }).min(0, { error: "must be ≥ 0" }),
});
export type Sample = z.infer<typeof Sample>;

const issuesOf = (error: z.ZodError, prefix: (string | number)[] = []): Issue[] =>
  error.issues.slice(0, 100).map((i) => ({ path: [...prefix, ...i.path].join("."), message: i.message }));

/** Decode and validate a batch (JSON or CSV) without touching the database. */
export function parseBatch(contentType: string | null, body: string): { ok: true; samples: Sample[] } | { ok: false; failure: IngestFailure } {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  let raw: unknown[];
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { ok: false, failure: invalid([{ path: "", message: "malformed JSON" }]) };
    }
    if (!parsed || typeof parsed !== "object" || !Array.isArray((parsed as { samples?: unknown }).samples)) {
      return { ok: false, failure: invalid([{ path: "samples", message: "must be an array of samples" }]) };
    }
    raw = (parsed as { samples: unknown[] }).samples;
  } else if (type === "text/csv") {
    let rows: string[][];
    try {
      rows = parseCsv(body, { skip_empty_lines: true, trim: true, relax_column_count: false }) as string[][];
    } catch (error) {
      return { ok: false, failure: invalid([{ path: "", message: `malformed CSV: ${(error as Error).message.slice(0, 200)}` }]) };
    }
    const [header, ...lines] = rows;
    if (!header || header.join(",") !== "meter,metric,at,value") {
      return { ok: false, failure: invalid([{ path: "", message: "the first line must be meter,metric,at,value" }]) };
    }
    raw = lines.map(([meter, metric, at, value]) => ({ meter, metric, at, value: value === "" ? Number.NaN : Number(value) }));
  } else {
    return { ok: false, failure: { status: 415, body: { error: "unsupported_media_type" } } };
  }
  if (raw.length > MAX_SAMPLES) return { ok: false, failure: tooLarge };
  const result = z.array(Sample).safeParse(raw);
  if (!result.success) return { ok: false, failure: invalid(issuesOf(result.error, ["samples"])) };
  return { ok: true, samples: result.data };
}

/**
 * Store a validated batch for a site, atomically: one INSERT … SELECT FROM unnest(…) ON CONFLICT DO
 * NOTHING, so the whole batch is stored or none of it, and a sample already stored (same meter,
 * metric and instant) keeps its first value and counts as a duplicate.
 */
export async function storeBatch(
  db: Executor,
  siteId: string,
  samples: Sample[],
): Promise<{ ok: true; accepted: number; duplicates: number } | { ok: false; failure: IngestFailure }> {
  if (samples.length === 0) return { ok: true, accepted: 0, duplicates: 0 };
  const externalIds = [...new Set(samples.map((s) => s.meter))];
  const meters = await db.selectFrom("meters").select(["id", "external_id"]).where("site_id", "=", siteId).where("external_id", "in", externalIds).execute();
  const idOf = new Map(meters.map((m) => [m.external_id, m.id]));
  const unknown: Issue[] = [];
  samples.forEach((s, i) => {
    if (!idOf.has(s.meter) && unknown.length < 100) unknown.push({ path: `samples.${i}.meter`, message: `unknown meter at this site: ${s.meter}` });
  });
  if (unknown.length) return { ok: false, failure: invalid(unknown) };

  const result = await sql<{ accepted: number }>`
    WITH inserted AS (
      INSERT INTO samples (meter_id, metric, at, value)
      SELECT * FROM unnest(${samples.map((s) => idOf.get(s.meter)!)}::uuid[], ${samples.map((s) => s.metric)}::text[],
                           ${samples.map((s) => s.at)}::timestamptz[], ${samples.map((s) => String(s.value))}::numeric[])
      ON CONFLICT (meter_id, metric, at) DO NOTHING
      RETURNING 1
    )
    SELECT count(*)::int8 AS accepted FROM inserted
  `.execute(db);
  const accepted = result.rows[0].accepted;
  return { ok: true, accepted, duplicates: samples.length - accepted };
}
