import { freeRuns, halfRackUnits, placeRequest, type Need, type RackState } from "./placement";

/**
 * A rack as the capacity queries describe it. `usableW` is what the rack carries with one feed
 * down: min(capacity, feed A, feed B); headroom = usable − committed.
 */
function rack(
  id: string,
  opts: Partial<{
    heightU: number;
    capacityW: number;
    feedAW: number;
    feedBW: number;
    committedW: number;
    status: RackState["status"];
    taken: [number, number][];
  }> = {},
): RackState {
  const capacity = opts.capacityW ?? 4000;
  return {
    id,
    name: id,
    roomName: "Salle A",
    heightU: opts.heightU ?? 42,
    status: opts.status ?? "active",
    usableW: Math.min(capacity, opts.feedAW ?? capacity * 1.2, opts.feedBW ?? capacity * 1.2),
    committedW: opts.committedW ?? 0,
    taken: (opts.taken ?? []).map(([first, last]) => ({ first, last })),
  };
}

const need = (n: Partial<Need>): Need => ({ units: 0, halfRacks: 0, fullRacks: 0, powerW: 0, ...n });

describe("freeRuns", () => {
  test("an empty rack is one run from U1 to the top", () => {
    expect(freeRuns(42, [])).toEqual([{ first: 1, last: 42 }]);
  });
  test("runs between taken ranges, bottom to top", () => {
    expect(
      freeRuns(10, [
        { first: 3, last: 4 },
        { first: 8, last: 8 },
      ]),
    ).toEqual([
      { first: 1, last: 2 },
      { first: 5, last: 7 },
      { first: 9, last: 10 },
    ]);
  });
  test("overlapping and out-of-range taken ranges are clipped", () => {
    expect(
      freeRuns(10, [
        { first: 0, last: 2 },
        { first: 2, last: 5 },
        { first: 9, last: 14 },
      ]),
    ).toEqual([{ first: 6, last: 8 }]);
  });
  test("a full rack has no run", () => {
    expect(freeRuns(42, [{ first: 1, last: 42 }])).toEqual([]);
  });
});

describe("placeRequest", () => {
  test("units go to the tightest free run that holds them (best fit)", () => {
    const racks = [rack("R1", { taken: [[1, 30]] }), rack("R2", { taken: [[1, 37]] }), rack("R3")];
    const { placements, shortages } = placeRequest(racks, need({ units: 4 }));
    expect(shortages).toEqual([]);
    expect(placements).toEqual([{ rackId: "R2", rackName: "R2", roomName: "Salle A", kind: "units", firstU: 38, lastU: 41, powerW: 0 }]);
  });

  test("best fit prefers a rack that still has power headroom over a tighter one without", () => {
    const racks = [rack("FULLPOWER", { taken: [[1, 37]], committedW: 4000 }), rack("ROOMY", { taken: [[1, 30]] })];
    const { placements } = placeRequest(racks, need({ units: 4 }));
    expect(placements.map((p) => [p.rackId, p.firstU, p.lastU])).toEqual([["ROOMY", 31, 34]]);
  });

  test("a full rack needs an empty rack; the emptiest in power is chosen, and what is missing is reported", () => {
    const racks = [rack("R1", { capacityW: 4000 }), rack("R2", { capacityW: 8000, heightU: 47 }), rack("R3", { taken: [[20, 20]] })];
    const one = placeRequest(racks, need({ fullRacks: 1 }));
    expect(one.shortages).toEqual([]);
    expect(one.placements).toEqual([{ rackId: "R2", rackName: "R2", roomName: "Salle A", kind: "full_rack", firstU: 1, lastU: 47, powerW: 0 }]);

    const three = placeRequest(racks, need({ fullRacks: 3 }));
    expect(three.shortages).toEqual([{ kind: "full_rack", needed: 3, available: 2 }]);
    expect(three.placements.map((p) => p.rackId).sort()).toEqual(["R1", "R2"]);
  });

  test("half racks are the bottom or the top half of a rack", () => {
    expect(halfRackUnits(42)).toBe(21);
    expect(halfRackUnits(47)).toBe(23);
    // Two halves of one empty 42U rack: bottom (U1–U21), then top (U22–U42).
    const both = placeRequest([rack("R1")], need({ halfRacks: 2 }));
    expect(both.shortages).toEqual([]);
    expect(both.placements.map((p) => [p.kind, p.firstU, p.lastU])).toEqual([
      ["half_rack", 1, 21],
      ["half_rack", 22, 42],
    ]);
    // 47U: the top half is U25–U47, U24 stays between the halves.
    const tall = placeRequest([rack("T", { heightU: 47, taken: [[3, 3]] })], need({ halfRacks: 1 }));
    expect(tall.placements.map((p) => [p.firstU, p.lastU])).toEqual([[25, 47]]);
  });

  test("a half rack never straddles the middle: a unit taken in each half leaves no half", () => {
    const { placements, shortages } = placeRequest(
      [
        rack("R1", {
          taken: [
            [10, 10],
            [30, 30],
          ],
        }),
      ],
      need({ halfRacks: 1 }),
    );
    expect(placements).toEqual([]);
    expect(shortages).toEqual([{ kind: "half_rack", needed: 1, available: 0 }]);
  });

  test("power is spread over the chosen slots within each rack's headroom = min(capacity, feed A, feed B) − committed", () => {
    // R1: usable 4000 W (its feeds are rated higher), 3000 committed → 1000 W headroom.
    // R2: capacity 6000 W but feed A only 5000 W → usable 5000 W, nothing committed → 5000 W headroom.
    const racks = [rack("R1", { capacityW: 4000, committedW: 3000, taken: [[1, 38]] }), rack("R2", { capacityW: 6000, feedAW: 5000, feedBW: 7200 })];
    const fits = placeRequest(racks, need({ halfRacks: 1, units: 2, powerW: 5500 }));
    expect(fits.shortages).toEqual([]);
    const byRack = Object.fromEntries(fits.placements.map((p) => [p.rackId, p]));
    expect(byRack.R2).toMatchObject({ kind: "half_rack", firstU: 1, lastU: 21, powerW: 5000 });
    expect(byRack.R1).toMatchObject({ kind: "units", firstU: 39, lastU: 40, powerW: 500 });

    const tooMuch = placeRequest(racks, need({ halfRacks: 1, units: 2, powerW: 6500 }));
    expect(tooMuch.shortages).toEqual([{ kind: "power", neededW: 6500, availableW: 6000 }]);
    expect(tooMuch.placements.reduce((s, p) => s + p.powerW, 0)).toBe(6000);
  });

  test("slots in one rack share that rack's headroom", () => {
    const { placements, shortages } = placeRequest([rack("R1", { capacityW: 5000 })], need({ halfRacks: 2, powerW: 6000 }));
    expect(placements.map((p) => p.powerW).sort()).toEqual([0, 5000]);
    expect(shortages).toEqual([{ kind: "power", neededW: 6000, availableW: 5000 }]);
  });

  test("racks in maintenance are skipped", () => {
    const racks = [rack("M1", { status: "maintenance" }), rack("R1", { taken: [[1, 40]] })];
    const { placements, shortages } = placeRequest(racks, need({ units: 3, fullRacks: 1 }));
    expect(placements).toEqual([]);
    expect(shortages).toEqual([
      { kind: "full_rack", needed: 1, available: 0 },
      { kind: "units", needed: 3, largestFreeRun: 2 },
    ]);
  });

  test("shortages: the largest free run is reported, power is not spread when space is short, power alone is refused", () => {
    const racks = [rack("R1", { taken: [[6, 42]] }), rack("R2", { taken: [[1, 39]] })];
    const short = placeRequest(racks, need({ units: 8, powerW: 1000 }));
    expect(short.shortages).toEqual([{ kind: "units", needed: 8, largestFreeRun: 5 }]);
    expect(short.placements).toEqual([]);

    const halfShort = placeRequest([rack("R1")], need({ halfRacks: 3, powerW: 1000 }));
    expect(halfShort.shortages).toEqual([{ kind: "half_rack", needed: 3, available: 2 }]);
    expect(halfShort.placements.every((p) => p.powerW === 0)).toBe(true);

    expect(placeRequest([rack("R1")], need({ powerW: 1000 })).shortages).toEqual([{ kind: "power_without_space" }]);
  });

  test("nothing asked, nothing placed", () => {
    expect(placeRequest([rack("R1")], need({}))).toEqual({ placements: [], shortages: [] });
  });
});

test("the block of units goes to a rack that can carry the power on its own when one exists", () => {
  const rack = (id: string, usableW: number, taken: { first: number; last: number }[] = []): RackState => ({
    id, name: id, roomName: "Salle A", heightU: 42, status: "active", usableW, committedW: 0, taken,
  });
  // A04 has the tightest free run but only 6 kW; B03 can carry the 10 kW asked for.
  const racks = [rack("A04", 6000, [{ first: 3, last: 42 }]), rack("B03", 10_000, [{ first: 11, last: 42 }])];
  const { placements, shortages } = placeRequest(racks, { units: 2, halfRacks: 0, fullRacks: 0, powerW: 10_000 });
  expect(shortages).toEqual([]);
  expect(placements).toEqual([expect.objectContaining({ rackId: "B03", powerW: 10_000 })]);
});
