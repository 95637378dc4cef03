import { stringify } from "csv-stringify/sync";
import { sql } from "kysely";
import type { Executor } from "#db/types";
import { contractMeters } from "~/modules/metering/meters.server";
import { monthPeriod, type MeterWindow } from "~/modules/metering/usage.server";
import { isUuid } from "~/utils/ids";
import { csvResponse } from "~/utils/csv.server";
import { lastDayOf } from "./compute";
import { decimalToMicros, microsToDecimal } from "./money";

/**
 * The usage annex of an invoice: the evidence behind its energy and bandwidth-overage lines, as one
 * CSV an auditor can recompute with a spreadsheet. The figures follow usage.server.ts exactly
 * (`contractMeters` windows, `percentile95`, `energyKwh`), which stays the reference definition.
 *
 * Layout (docs/usage-annex.md says the same): UTF-8, comma-separated, one header row, one record per
 * row; the first column names the record, the others are filled when they apply to it. Decimals
 * with a dot, exactly as stored (6 decimals); instants as ISO-8601 UTC (`2026-10-05T00:05:00Z`) and
 * in the site's local time with its offset (`2026-10-05T01:05:00+01:00`).
 *
 *   record, contract_id, meter, at_utc, at_local, until_utc, until_local,
 *   mbps, rank, discarded, kwh, kwh_before, samples, commit_mbps, billed, detail
 *
 * - `invoice`: at/until = the billing month as instants [first day 00:00 local, next month); detail =
 *   `number=…;period=…;site=…;time_zone=…;status=…` (number `draft` while a draft).
 * For each contract with a line on the invoice (in line order), when it had bandwidth meters in the
 * month or an overage line:
 * - `bw_meter`: one per bandwidth meter attachment: meter, at/until = the window read.
 * - `bw_instant`: one per 5-minute instant with samples, in time order: at = the instant (`at` floored
 *   to :00, :05, …); mbps = Σ over the contract's meters of max(in, out) at that instant (each meter's
 *   highest reading in the instant); detail = each meter's part (`SW-1=40.000000;SW-2=12.000000`);
 *   rank = 1-based position in ascending order of mbps (ties in time order); discarded = `true` for
 *   the top 5 % (rank > ceil(0.95 × samples)), `false` otherwise.
 * - `bw_summary`: mbps = the 95th percentile, the mbps of rank ceil(0.95 × N) = the highest value
 *   not discarded; rank = ceil(0.95 × N); discarded = N − ceil(0.95 × N) (how many were); samples =
 *   N; commit_mbps = the commit (as written on the overage line, else the contract's); billed = the
 *   p95 written on the overage line (empty without one: the p95 did not exceed the commit when
 *   billed). The overage billed is max(0, p95 − commit) Mbps.
 * When it had power meters in the month or an energy line:
 * - `energy_meter`: one per power meter attachment: meter, at/until = the window, kwh = the energy of
 *   that window, samples = the readings used (the starting point included).
 * - `energy_first`: the starting reading: the last reading before the window, or the window's first
 *   reading when there is none before; at = its instant, kwh = the counter.
 * - `energy_reset`: a counter reset inside the window (a reading lower than the one before): at = the
 *   instant of the lower reading, kwh_before = the reading before it, kwh = the reading after it.
 * - `energy_last`: the last reading of the window (the starting reading when the window has none).
 *   For each window: kwh = last − first + Σ kwh_before of its resets (each reset counts the counter
 *   from zero again).
 * - `energy_summary`: kwh = Σ of the contract's windows; billed = the energy line's quantity ("0"
 *   without an energy line).
 *
 * The annex is computed live from the samples; an issued invoice keeps the copy frozen at issue
 * (`invoices.annex_document_id`), and late samples show up in `lateUsage`, never in that copy.
 */

export const ANNEX_HEADER = [
  "record",
  "contract_id",
  "meter",
  "at_utc",
  "at_local",
  "until_utc",
  "until_local",
  "mbps",
  "rank",
  "discarded",
  "kwh",
  "kwh_before",
  "samples",
  "commit_mbps",
  "billed",
  "detail",
] as const;

type Column = (typeof ANNEX_HEADER)[number];
type Row = Partial<Record<Column, string | number | null>>;

/** `2026-10-05T00:05:00Z`: ISO-8601 UTC to the second (milliseconds only when there are some). */
export const utcIso = (at: Date) => at.toISOString().replace(/\.000Z$/, "Z");

const localFormats = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

/**
 * The UTC offset of `timeZone` at `at`, in minutes. Offsets only change on quarter hours (UTC), so
 * it is asked of Intl once per 15-minute slot (a month's annex has ~9,000 instants).
 */
function offsetMinutes(at: Date, timeZone: string): number {
  const slot = Math.floor(at.getTime() / 900_000);
  const key = `${timeZone}|${slot}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  let format = localFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    localFormats.set(timeZone, format);
  }
  const probe = new Date(slot * 900_000);
  const p = Object.fromEntries(format.formatToParts(probe).map((x) => [x.type, Number(x.value)]));
  const offset = Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - probe.getTime()) / 60_000);
  if (offsets.size > 200_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/** `2026-10-05T01:05:00+01:00`: the wall-clock time in `timeZone` with its UTC offset (milliseconds as in `utcIso`). */
export function localIso(at: Date, timeZone: string): string {
  const offset = offsetMinutes(at, timeZone);
  const wall = new Date(at.getTime() + offset * 60_000).toISOString().slice(0, 23).replace(/\.000$/, "");
  const abs = Math.abs(offset);
  return `${wall}${offset < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

async function invoiceHead(db: Executor, invoiceId: string) {
  if (!isUuid(invoiceId)) return undefined;
  return db
    .selectFrom("invoices as i")
    .innerJoin("sites as s", "s.id", "i.site_id")
    .select(["i.id", "i.number", "i.status", "i.org_id", "i.period", "s.code as site_code", "s.time_zone"])
    .where("i.id", "=", invoiceId)
    .executeTakeFirst();
}

/** The whole annex of one invoice (any status) as CSV text; throws a RangeError for an unknown invoice. */
export async function usageAnnexCsv(db: Executor, invoiceId: string): Promise<string> {
  const inv = await invoiceHead(db, invoiceId);
  if (!inv) throw new RangeError(`unknown invoice: ${invoiceId}`);
  const tz = inv.time_zone;
  const period = await monthPeriod(db, inv.period, tz);
  const at = (d: Date) => ({ at_utc: utcIso(d), at_local: localIso(d, tz) });
  const until = (d: Date) => ({ until_utc: utcIso(d), until_local: localIso(d, tz) });

  const rows: Row[] = [
    {
      record: "invoice",
      ...at(period.from),
      ...until(period.to),
      detail: `number=${inv.number ?? "draft"};period=${inv.period};site=${inv.site_code};time_zone=${tz};status=${inv.status}`,
    },
  ];

  const lines = await db
    .selectFrom("invoice_lines")
    .select(["contract_id", "kind", "quantity", "details"])
    .where("invoice_id", "=", inv.id)
    .orderBy("position")
    .execute();
  const contractIds = [...new Set(lines.map((l) => l.contract_id).filter((id): id is string => id !== null))];
  const commits = new Map(
    contractIds.length
      ? (
          await db
            .selectFrom("contracts")
            .select(["id", sql<string>`contract_commit_mbps(id, ${`${inv.period}-01`}::date, ${lastDayOf(inv.period)}::date)::text`.as("commit")])
            .where("id", "in", contractIds)
            .execute()
        ).map((c) => [c.id, c.commit])
      : [],
  );

  for (const contractId of contractIds) {
    const meters = await contractMeters(db, contractId, period, tz);
    const line = (kind: string) => lines.find((l) => l.contract_id === contractId && l.kind === kind);
    const bandwidth = meters.filter((m) => m.kind === "bandwidth");
    const power = meters.filter((m) => m.kind === "power");

    const overage = line("bandwidth_overage");
    if (bandwidth.length || overage) {
      for (const m of bandwidth) rows.push({ record: "bw_meter", contract_id: contractId, meter: m.external_id, ...at(m.from), ...until(m.to) });
      const series = await bandwidthSeries(db, bandwidth);
      const n = series.length;
      const kept = n === 0 ? 0 : Math.floor((95 * n + 99) / 100);
      for (const s of series) {
        rows.push({ record: "bw_instant", contract_id: contractId, ...at(s.at), mbps: s.mbps, rank: s.rank, discarded: s.rank > kept ? "true" : "false", detail: s.parts });
      }
      const p95 = series.find((s) => s.rank === kept)?.mbps ?? null;
      const billedDetails = (overage?.details ?? null) as { p95_mbps?: string | null; commit_mbps?: number | string } | null;
      const billed = billedDetails?.p95_mbps ?? null;
      rows.push({
        record: "bw_summary",
        contract_id: contractId,
        ...at(period.from),
        ...until(period.to),
        mbps: p95,
        rank: n === 0 ? null : kept,
        discarded: n - kept,
        samples: n,
        commit_mbps: microsToDecimal(decimalToMicros(String(billedDetails?.commit_mbps ?? commits.get(contractId) ?? 0))),
        billed,
      });
    }

    const energy = line("energy");
    if (power.length || energy) {
      const windowKwh: string[] = [];
      for (const m of power) {
        const e = await energyWindow(db, { id: m.id, from: m.from, to: m.to });
        windowKwh.push(e.kwh);
        rows.push({ record: "energy_meter", contract_id: contractId, meter: m.external_id, ...at(m.from), ...until(m.to), kwh: e.kwh, samples: e.readings.length });
        const first = e.readings[0];
        const last = e.readings[e.readings.length - 1];
        if (first) rows.push({ record: "energy_first", contract_id: contractId, meter: m.external_id, ...at(first.at), kwh: first.value });
        for (const r of e.readings.filter((r) => r.reset)) {
          rows.push({ record: "energy_reset", contract_id: contractId, meter: m.external_id, ...at(r.at), kwh_before: r.previous, kwh: r.value });
        }
        if (last) rows.push({ record: "energy_last", contract_id: contractId, meter: m.external_id, ...at(last.at), kwh: last.value });
      }
      rows.push({
        record: "energy_summary",
        contract_id: contractId,
        ...at(period.from),
        ...until(period.to),
        kwh: await sumDecimals(db, windowKwh),
        billed: energy ? energy.quantity : "0",
      });
    }
  }

  return stringify(
    rows.map((r) => ANNEX_HEADER.map((c) => (r[c] === null || r[c] === undefined ? "" : String(r[c])))),
    { header: true, columns: [...ANNEX_HEADER], record_delimiter: "unix" },
  );
}

const windowsSql = (windows: MeterWindow[]) =>
  sql`unnest(${windows.map((w) => w.id)}::uuid[], ${windows.map((w) => w.from.toISOString())}::timestamptz[], ${windows.map((w) => w.to.toISOString())}::timestamptz[]) AS w(id, f, t)`;

/**
 * The 5-minute series behind `percentile95`: per meter and instant the highest in/out reading, per
 * instant the sum over the meters; ranked ascending (ties in time order), listed in time order.
 */
async function bandwidthSeries(db: Executor, meters: MeterWindow[]) {
  if (meters.length === 0) return [];
  const { rows } = await sql<{ at: Date; mbps: string; rank: string; parts: string }>`
    WITH per_meter AS (
      SELECT s.meter_id, date_bin('5 minutes', s.at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS at, max(s.value) AS v
        FROM ${windowsSql(meters)}
        JOIN samples s ON s.meter_id = w.id AND s.metric IN ('bw_in_mbps', 'bw_out_mbps') AND s.at >= w.f AND s.at < w.t
       GROUP BY 1, 2
    ), per_instant AS (
      SELECT pm.at, sum(pm.v) AS v, string_agg(m.external_id || '=' || pm.v::text, ';' ORDER BY m.external_id) AS parts
        FROM per_meter pm JOIN meters m ON m.id = pm.meter_id
       GROUP BY pm.at
    )
    SELECT at, v::text AS mbps, row_number() OVER (ORDER BY v, at)::int8 AS rank, parts
      FROM per_instant
     ORDER BY at
  `.execute(db);
  return rows.map((r) => ({ at: new Date(r.at), mbps: r.mbps, rank: Number(r.rank), parts: r.parts }));
}

/**
 * One power meter window as `energyKwh` reads it: the readings inside [from, to) plus the last one
 * before, in time order; a reading lower than the one before is a reset (counts from zero).
 */
async function energyWindow(db: Executor, w: MeterWindow) {
  const { rows } = await sql<{ at: Date; value: string; previous: string | null; reset: boolean; kwh: string }>`
    WITH readings AS (
      SELECT s.at, s.value FROM samples s
       WHERE s.meter_id = ${w.id} AND s.metric = 'energy_kwh' AND s.at >= ${w.from.toISOString()}::timestamptz AND s.at < ${w.to.toISOString()}::timestamptz
      UNION ALL
      (SELECT s.at, s.value FROM samples s
        WHERE s.meter_id = ${w.id} AND s.metric = 'energy_kwh' AND s.at < ${w.from.toISOString()}::timestamptz
        ORDER BY s.at DESC LIMIT 1)
    ), ordered AS (
      SELECT at, value, lag(value) OVER (ORDER BY at) AS previous FROM readings
    )
    SELECT at, value::text AS value, previous::text AS previous,
           (previous IS NOT NULL AND value < previous AND at >= ${w.from.toISOString()}::timestamptz) AS reset,
           (sum(CASE WHEN previous IS NULL OR at < ${w.from.toISOString()}::timestamptz THEN 0
                     WHEN value >= previous THEN value - previous
                     ELSE value END) OVER ())::text AS kwh
      FROM ordered
     ORDER BY at
  `.execute(db);
  const kwh = rows[0]?.kwh ?? "0";
  return {
    kwh,
    readings: rows.map((r) => ({ at: new Date(r.at), value: r.value, previous: r.previous, reset: r.reset })),
  };
}

/** Σ of decimal strings, exactly (numeric, by the database). */
async function sumDecimals(db: Executor, terms: string[]): Promise<string> {
  const { rows } = await sql<{ total: string }>`SELECT coalesce(sum(x), 0)::text AS total FROM unnest(${terms}::numeric[]) AS x`.execute(db);
  return rows[0].total;
}

// ---------------------------------------------------------------------------------------------
// Downloads

export type AnnexScope = { orgId: string } | { operator: true };

/**
 * The annex to download: for a tenant only its own organisation's invoice, and never a draft; for
 * operators any invoice. The copy frozen at issue when there is one, otherwise computed live (an
 * operator may ask for the live one with `live`).
 * Null = not found (answer 404).
 */
export async function invoiceAnnex(
  db: Executor,
  scope: AnnexScope,
  invoiceId: string,
  opts: { live?: boolean } = {},
): Promise<{ filename: string; content: string | Uint8Array<ArrayBuffer> } | null> {
  if (!isUuid(invoiceId)) return null;
  let q = db.selectFrom("invoices").selectAll().where("id", "=", invoiceId);
  if ("orgId" in scope) q = q.where("org_id", "=", scope.orgId).where("status", "<>", "draft");
  const inv = await q.executeTakeFirst();
  if (!inv) return null;
  const filename = `annex-${inv.number ?? `draft-${inv.id}`}.csv`;
  const frozenId = (inv as { annex_document_id?: string | null }).annex_document_id;
  // Operators may ask for the annex as of now (late samples included) instead of the frozen copy.
  const live = opts.live === true && "operator" in scope;
  if (frozenId && !live) {
    const doc = await db.selectFrom("documents").select(["content"]).where("id", "=", frozenId).executeTakeFirst();
    if (doc) return { filename, content: new Uint8Array(doc.content) };
  }
  return { filename, content: await usageAnnexCsv(db, inv.id) };
}

/** The annex as an HTTP download (`text/csv; charset=utf-8`, attachment). */
export function annexResponse(annex: { filename: string; content: string | Uint8Array<ArrayBuffer> }): Response {
  if (typeof annex.content === "string") {
    const text = annex.content;
    return csvResponse(
      annex.filename,
      (async function* () {
        yield text;
      })(),
    );
  }
  return new Response(annex.content, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${annex.filename}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
