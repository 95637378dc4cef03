/**
 * Pure helpers of the capacity views (rack elevation, bars, room tiles). No database, no React:
 * shared by the browser and the server.
 */

export type ElevationKind = "units" | "half_rack" | "full_rack";

export interface ElevationAllocation {
  firstU: number;
  lastU: number;
  /** Usually the tenant's name: one colour per label. */
  label: string;
  kind: ElevationKind;
  /** Drawn outlined, the others dimmed (e.g. the placement an approval proposes). */
  highlight?: boolean;
  /** Extra text for the tooltip and the description ("1 500 W, from 2026-12-01"). */
  detail?: string;
}

export type Segment =
  { type: "allocated"; firstU: number; lastU: number; allocation: ElevationAllocation } | { type: "free"; firstU: number; lastU: number };

/** The rack from top (U = height) to bottom (U1): allocated blocks and free runs, clipped to the rack. */
export function elevationSegments(heightU: number, allocations: ElevationAllocation[]): Segment[] {
  const owner = new Array<ElevationAllocation | undefined>(heightU + 1);
  const sorted = [...allocations].sort((a, b) => a.firstU - b.firstU);
  for (const a of sorted) for (let u = Math.max(1, a.firstU); u <= Math.min(heightU, a.lastU); u++) owner[u] ??= a;
  const segments: Segment[] = [];
  let u = heightU;
  while (u >= 1) {
    const a = owner[u];
    let low = u;
    while (low - 1 >= 1 && owner[low - 1] === a) low--;
    segments.push(a ? { type: "allocated", firstU: low, lastU: u, allocation: a } : { type: "free", firstU: low, lastU: u });
    u = low - 1;
  }
  return segments;
}

/** Dark enough for white text (WCAG AA at small sizes). */
export const TENANT_COLOURS = ["#1f5f99", "#0f7b6c", "#a8431a", "#6b3fa0", "#9c2a5a", "#2e6b30", "#4a5a8a", "#8c4b00", "#00607a", "#7a3b3b"] as const;

function hash(text: string) {
  // FNV-1a: stable across server and browser.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A colour per label: the same tenant keeps its colour everywhere, and two tenants of one rack never share one. */
export function tenantColours(labels: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const label of [...new Set(labels)].sort()) {
    let i = hash(label) % TENANT_COLOURS.length;
    for (let tries = 0; tries < TENANT_COLOURS.length && used.has(TENANT_COLOURS[i]); tries++) i = (i + 1) % TENANT_COLOURS.length;
    out.set(label, TENANT_COLOURS[i]);
    used.add(TENANT_COLOURS[i]);
  }
  return out;
}

export type UsageLevel = "ok" | "warn" | "danger";

/** Amber from 75 %, red from 90 % (integer arithmetic: no rounding surprises at the thresholds). */
export function usageLevel(value: number, max: number): UsageLevel {
  if (max <= 0) return value > 0 ? "danger" : "ok";
  if (value * 100 >= max * 90) return "danger";
  if (value * 100 >= max * 75) return "warn";
  return "ok";
}

/** Share of `max` used, between 0 and 1 (for widths and percentages; not money). */
export function usageRatio(value: number, max: number) {
  if (max <= 0) return value > 0 ? 1 : 0;
  return Math.min(1, Math.max(0, value / max));
}

/** The worse of two levels: a rack tile shows its tighter resource. */
export function worseLevel(a: UsageLevel, b: UsageLevel): UsageLevel {
  const rank = { ok: 0, warn: 1, danger: 2 } as const;
  return rank[a] >= rank[b] ? a : b;
}
