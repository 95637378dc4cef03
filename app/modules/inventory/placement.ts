/**
 * Where a request fits: pure functions over a site's racks and their allocations (no database),
 * shared by the tenant's live availability and the operator's approval page. The database still
 * has the last word (exclusion constraint and triggers); this only finds candidates and explains
 * what is short.
 */

export interface RackState {
  id: string;
  name: string;
  roomName: string;
  heightU: number;
  status: "active" | "maintenance";
  /** min(power capacity, feed A, feed B): what the rack can carry with one feed down. */
  usableW: number;
  committedW: number;
  /** Unit ranges taken during the period asked about (inclusive). */
  taken: { first: number; last: number }[];
}

export interface Need {
  units: number;
  halfRacks: number;
  fullRacks: number;
  powerW: number;
}

export type SpaceKind = "units" | "half_rack" | "full_rack";

export interface Placement {
  rackId: string;
  rackName: string;
  roomName: string;
  kind: SpaceKind;
  firstU: number;
  lastU: number;
  powerW: number;
}

export type Shortage =
  | { kind: "units"; needed: number; largestFreeRun: number }
  | { kind: "half_rack" | "full_rack"; needed: number; available: number }
  | { kind: "power"; neededW: number; availableW: number }
  | { kind: "power_without_space" };

/** Free contiguous runs of a rack, bottom (U1) to top. */
export function freeRuns(heightU: number, taken: { first: number; last: number }[]) {
  const used = new Array<boolean>(heightU + 2).fill(false);
  for (const t of taken) for (let u = Math.max(1, t.first); u <= Math.min(heightU, t.last); u++) used[u] = true;
  const runs: { first: number; last: number }[] = [];
  let start = 0;
  for (let u = 1; u <= heightU + 1; u++) {
    if (u <= heightU && !used[u]) {
      if (!start) start = u;
    } else if (start) {
      runs.push({ first: start, last: u - 1 });
      start = 0;
    }
  }
  return runs;
}

export const halfRackUnits = (heightU: number) => Math.floor(heightU / 2);

/**
 * Greedy placement: full racks first (empty racks with the most power headroom), then half racks
 * and the block of units, each best-fit (the smallest free run that holds it) among racks with
 * power headroom; then the power commit is spread over the chosen slots within each rack's headroom.
 */
export function placeRequest(racks: RackState[], need: Need): { placements: Placement[]; shortages: Shortage[] } {
  const shortages: Shortage[] = [];
  const placements: Placement[] = [];
  const state = racks
    .filter((r) => r.status === "active")
    .map((r) => ({ ...r, taken: [...r.taken], headroom: Math.max(0, r.usableW - r.committedW), used: false }));

  const take = (r: (typeof state)[number], kind: SpaceKind, first: number, last: number) => {
    r.taken.push({ first, last });
    r.used = true;
    placements.push({ rackId: r.id, rackName: r.name, roomName: r.roomName, kind, firstU: first, lastU: last, powerW: 0 });
  };

  // Full racks: nothing allocated in them over the period.
  const empty = state.filter((r) => r.taken.length === 0).sort((a, b) => b.headroom - a.headroom);
  if (need.fullRacks > empty.length) shortages.push({ kind: "full_rack", needed: need.fullRacks, available: empty.length });
  for (const r of empty.slice(0, need.fullRacks)) take(r, "full_rack", 1, r.heightU);

  const claimed = new Map<string, number>();
  const bestFit = (size: number, wantW: number) => {
    // The smallest free run that holds `size` units, preferring racks that can carry `wantW` on
    // their own, then racks with some power headroom.
    const free = (r: (typeof state)[number]) => r.headroom - (claimed.get(r.id) ?? 0);
    const rank = (r: (typeof state)[number]) => (wantW > 0 && free(r) >= wantW ? 2 : free(r) > 0 ? 1 : 0);
    let best: { rack: (typeof state)[number]; first: number; slack: number } | undefined;
    for (const rack of state) {
      if (rack.taken.some((t) => t.first === 1 && t.last === rack.heightU)) continue;
      for (const run of freeRuns(rack.heightU, rack.taken)) {
        const len = run.last - run.first + 1;
        if (len < size) continue;
        const slack = len - size;
        const better =
          !best ||
          rank(rack) > rank(best.rack) ||
          (rank(rack) === rank(best.rack) && (slack < best.slack || (slack === best.slack && free(rack) > free(best.rack))));
        if (better) best = { rack, first: run.first, slack };
      }
    }
    return best;
  };

  let halfPlaced = 0;
  for (let i = 0; i < need.halfRacks; i++) {
    // Half racks are sized by the rack they land in; try the common heights' halves.
    const fit = bestFitHalf();
    if (!fit) break;
    take(fit.rack, "half_rack", fit.first, fit.first + halfRackUnits(fit.rack.heightU) - 1);
    halfPlaced++;
  }
  if (halfPlaced < need.halfRacks) shortages.push({ kind: "half_rack", needed: need.halfRacks, available: halfPlaced });

  function bestFitHalf() {
    let best: { rack: (typeof state)[number]; first: number } | undefined;
    for (const rack of [...state].sort((a, b) => b.headroom - a.headroom)) {
      const size = halfRackUnits(rack.heightU);
      // A half rack is the top or the bottom half.
      for (const first of [1, rack.heightU - size + 1]) {
        const last = first + size - 1;
        if (rack.taken.every((t) => t.last < first || t.first > last)) {
          best ??= { rack, first };
        }
      }
    }
    return best;
  }

  if (need.units > 0) {
    // What the full and half racks placed above can carry is claimed first; the units should fit the rest.
    let rest = need.powerW;
    for (const rackId of new Set(placements.map((p) => p.rackId))) {
      const share = Math.min(rest, state.find((r) => r.id === rackId)!.headroom);
      claimed.set(rackId, share);
      rest -= share;
    }
    const fit = bestFit(need.units, rest);
    if (fit) take(fit.rack, "units", fit.first, fit.first + need.units - 1);
    else {
      const largest = Math.max(0, ...state.flatMap((r) => freeRuns(r.heightU, r.taken).map((x) => x.last - x.first + 1)));
      shortages.push({ kind: "units", needed: need.units, largestFreeRun: largest });
    }
  }

  if (need.powerW > 0) {
    if (need.units + need.halfRacks + need.fullRacks === 0) {
      shortages.push({ kind: "power_without_space" });
    } else if (shortages.length === 0) {
      let remaining = need.powerW;
      // Spread over the chosen slots, most headroom first; a rack's headroom is shared by its slots.
      const byRack = new Map(state.map((r) => [r.id, r]));
      for (const p of [...placements].sort((a, b) => byRack.get(b.rackId)!.headroom - byRack.get(a.rackId)!.headroom)) {
        const rack = byRack.get(p.rackId)!;
        const share = Math.min(remaining, rack.headroom);
        p.powerW = share;
        rack.headroom -= share;
        remaining -= share;
      }
      if (remaining > 0) {
        const available = need.powerW - remaining;
        shortages.push({ kind: "power", neededW: need.powerW, availableW: available });
      }
    }
  }

  return { placements, shortages };
}
