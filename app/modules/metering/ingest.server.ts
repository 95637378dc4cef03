import { sql } from "kysely";
import { z } from "zod";
import { parse as parseCsv } from "csv-parse/sync";
import type { Executor } from "#db/types";
import type { Metric } from "#db/schema";
import { retentionHorizon, retentionMonths } from "./partitions.server";

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

/** The messages of the checks the import page reports with their own words (by line). */
export const RANGE_MESSAGES = {
  atTooEarly: "must be on or after 2000-01-01T00:00:00Z",
  atFuture: "must not be more than one day in the future",
  valueTooLarge: "must be below 100000000000000 (numeric(20,6))",
  atExpired: "is older than the samples kept (SAMPLES_RETENTION_MONTHS)",
} as const;

/** Samples from before this instant are refused (a year 0000 once reached the database as a 500). */
export const EARLIEST_SAMPLE = new Date("2000-01-01T00:00:00Z");
/** How far ahead of the server's clock a sample may be (collectors' clocks drift; a day is generous). */
export const MAX_AHEAD_MS = 86_400_000;
/** numeric(20,6): 14 digits before the point. More than 6 decimals are rounded by the database, not refused. */
export const MAX_VALUE = 1e14;

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** An ISO 8601 instant with an offset or Z, a real calendar day, from 2000 (or `kept`, the retention horizon) to one day after `now`. */
const instant = (now: Date, kept: Date | null) =>
  z.iso.datetime({ offset: true, abort: true, error: "must be an ISO 8601 instant with an offset or Z" }).superRefine((value, ctx) => {
    const [year, month, day] = value.slice(0, 10).split("-").map(Number);
    const time = Date.parse(value);
    // JavaScript rolls 2026-02-31 over to March; the database refuses it: neither is a sample's instant.
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || !Number.isFinite(time)) {
      ctx.addIssue({ code: "custom", message: "must be an ISO 8601 instant with an offset or Z" });
    } else if (time < EARLIEST_SAMPLE.getTime()) {
      ctx.addIssue({ code: "custom", message: RANGE_MESSAGES.atTooEarly });
    } else if (time > now.getTime() + MAX_AHEAD_MS) {
      ctx.addIssue({ code: "custom", message: RANGE_MESSAGES.atFuture });
    } else if (kept && time < kept.getTime()) {
      // Its month's partition is (or is about to be) dropped by the retention policy.
      ctx.addIssue({ code: "custom", message: RANGE_MESSAGES.atExpired });
    }
  });

const sampleSchema = (now: Date, kept: Date | null = null) =>
  z.object({
    meter: z
      .string({ error: "must be a meter id" })
      .min(1, { error: "must be a meter id" })
      .max(100, { error: "is too long" })
      .regex(/^[A-Za-z0-9._:/-]+$/, { error: "must be a meter id" }),
    metric: z.enum(METRICS, { error: `must be one of ${METRICS.join(", ")}` }),
    at: instant(now, kept),
    value: z
      .number({ error: "must be a finite number" })
      .finite({ error: "must be a finite number" })
      .min(0, { error: "must be ≥ 0" })
      .lt(MAX_VALUE, { error: RANGE_MESSAGES.valueTooLarge }),
  });
export type Sample = z.infer<ReturnType<typeof sampleSchema>>;


const issuesOf = (error: z.ZodError, prefix: (string | number)[] = []): Issue[] =>
  error.issues.slice(0, 100).map((i) => ({ path: [...prefix, ...i.path].join("."), message: i.message }));

/**
 * Decode and validate a batch (JSON or CSV) without touching the database. `now` is the clock that
 * "more than one day in the future" is measured against (tests pass a fixed one); `retentionMonths`
 * (default `SAMPLES_RETENTION_MONTHS`) refuses samples of months whose raw samples are not kept.
 */
export function parseBatch(
  contentType: string | null,
  body: string,
  opts: { now?: Date; retentionMonths?: number | null } = {},
): { ok: true; samples: Sample[] } | { ok: false; failure: IngestFailure } {
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
  const now = opts.now ?? new Date();
  const kept = retentionHorizon(now, opts.retentionMonths === undefined ? retentionMonths() : opts.retentionMonths);
  const result = z.array(sampleSchema(now, kept)).safeParse(raw);
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
