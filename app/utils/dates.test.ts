import { dayIn, monthIn } from "./dates";

describe("dayIn (one formatter per time zone, kept)", () => {
  test("the local calendar date of an instant, per zone, on every call", () => {
    const instant = new Date("2026-11-30T23:30:00Z");
    expect(dayIn("UTC", instant)).toBe("2026-11-30");
    expect(dayIn("Africa/Lagos", instant)).toBe("2026-12-01");
    expect(dayIn("UTC", instant)).toBe("2026-11-30");
    expect(monthIn("Africa/Kinshasa", instant)).toBe("2026-12");
    expect(dayIn("America/Sao_Paulo", instant)).toBe("2026-11-30");
  });
  test("an unknown time zone is refused every time (nothing kept for it)", () => {
    expect(() => dayIn("Mars/Olympus")).toThrow(RangeError);
    expect(() => dayIn("Mars/Olympus")).toThrow(RangeError);
  });
});
