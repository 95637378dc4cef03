import { addDays, noticeDeadline, noticesToRecord, renewalStatus } from "./renewals";

describe("renewal notices to record", () => {
  const end = "2026-12-31";
  const at = (today: string, recorded: number[] = []) => noticesToRecord({ commitmentEndsOn: end, today, recorded });

  it("sends each step on its day, the latest due one only", () => {
    expect(at("2026-10-01")).toEqual({ send: null, skip: [] }); // 91 days before
    expect(at("2026-10-02")).toEqual({ send: 90, skip: [] });
    expect(at("2026-10-02", [90])).toEqual({ send: null, skip: [] });
    expect(at("2026-11-01", [90])).toEqual({ send: 60, skip: [] });
    expect(at("2026-12-01", [90, 60])).toEqual({ send: 30, skip: [] });
    expect(at("2026-12-31", [90, 60, 30])).toEqual({ send: null, skip: [] });
  });

  it("a contract first seen late gets the latest notice and the earlier ones skipped; none after the end", () => {
    expect(at("2026-11-16")).toEqual({ send: 60, skip: [90] });
    expect(at("2026-12-20")).toEqual({ send: 30, skip: [90, 60] });
    expect(at("2026-12-20", [30])).toEqual({ send: null, skip: [] });
    expect(at("2027-01-01")).toEqual({ send: null, skip: [] });
  });

  it("the deadline is the commitment's end minus the site's notice days", () => {
    expect(noticeDeadline("2026-12-31", 30)).toBe("2026-12-01");
    expect(noticeDeadline("2027-03-16", 90)).toBe("2026-12-16");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
  });

  it("status: renews while open-ended; notice given when it ends on the commitment's end by notice", () => {
    expect(renewalStatus({ endOn: null, commitmentEndsOn: end, noticeGiven: false })).toBe("renews");
    expect(renewalStatus({ endOn: end, commitmentEndsOn: end, noticeGiven: true })).toBe("notice_given");
    expect(renewalStatus({ endOn: "2026-06-30", commitmentEndsOn: end, noticeGiven: false })).toBe("ends");
  });
});
