import { z } from "zod";
import { addYears, fields, parseForm, readForm } from "./forms.server";
import { pageParam, safeRedirect } from "./forms";
import { SignUpForm } from "~/modules/orgs/schemas.server";
import { NewRequestForm } from "~/modules/requests/schemas.server";

test("parseForm turns zod issues into i18n keys per field", () => {
  const schema = z.object({ email: fields.email(), name: fields.text(5) });
  const form = new FormData();
  form.set("email", "  Ama@Example.TEST ");
  form.set("name", "trop long");
  const result = parseForm(schema, form);
  expect(result).toEqual({ ok: false, errors: { name: "error.tooLong" } });
  form.set("name", "Ama");
  expect(parseForm(schema, form)).toEqual({ ok: true, data: { email: "ama@example.test", name: "Ama" } });
});

test("missing fields are 'required', unknown choices 'invalidChoice'", () => {
  const result = parseForm(SignUpForm, { orgKind: "ngo" });
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.errors).toMatchObject({ orgName: "error.required", orgKind: "error.invalidChoice", email: "error.required", password: "error.required" });
});

test("safeRedirect keeps local paths only", () => {
  expect(safeRedirect("/app/members")).toBe("/app/members");
  expect(safeRedirect("//evil.example")).toBe("/");
  expect(safeRedirect("/\\evil.example")).toBe("/");
  expect(safeRedirect("https://evil.example")).toBe("/");
  expect(safeRedirect(null, "/app")).toBe("/app");
});

test("pageParam falls back to 1 on anything odd", () => {
  const at = (q: string) => pageParam(new Request(`http://x/list${q}`));
  expect(at("?page=3")).toBe(3);
  for (const q of ["", "?page=0", "?page=-2", "?page=abc", "?page=1.5", "?page=1e400"]) expect(at(q)).toBe(1);
});

describe("readForm: only the two form encodings, never a 500", () => {
  const post = (body: BodyInit | null, contentType?: string) =>
    new Request("http://x/app/members", { method: "POST", body, headers: contentType ? { "Content-Type": contentType } : {} });
  const refusal = async (request: Request) => {
    const thrown = await readForm(request).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(Response);
    const response = thrown as Response;
    return { status: response.status, message: ((await response.json()) as { message: string }).message };
  };

  test("urlencoded and multipart are read", async () => {
    expect((await readForm(post("a=1&b=%C3%A9", "application/x-www-form-urlencoded"))).get("b")).toBe("é");
    const form = new FormData();
    form.set("a", "1");
    expect((await readForm(new Request("http://x/", { method: "POST", body: form }))).get("a")).toBe("1");
  });

  test("no content type, JSON, XML or text are 415", async () => {
    expect(await refusal(post("a=1"))).toEqual({ status: 415, message: "errors.unsupportedMediaType" });
    expect(await refusal(post('{"a":1}', "application/json"))).toEqual({ status: 415, message: "errors.unsupportedMediaType" });
    expect((await refusal(post("<a>1</a>", "application/xml"))).status).toBe(415);
    expect((await refusal(post("a=1", "text/plain"))).status).toBe(415);
  });

  test("malformed multipart is a 400", async () => {
    expect(await refusal(post("garbage", "multipart/form-data"))).toEqual({ status: 400, message: "errors.malformedForm" });
    expect((await refusal(post("--x\r\nContent-Disposition: form-data\r\n\r\nno name\r\n", "multipart/form-data; boundary=x"))).status).toBe(400);
    expect((await refusal(post("--x\r\nnot even headers", "multipart/form-data; boundary=x"))).status).toBe(400);
  });

  test("a body over the limit is a 413", async () => {
    const big = () => post("a=" + "x".repeat(2_000), "application/x-www-form-urlencoded");
    const thrown = await readForm(big(), { maxBytes: 1_000 }).catch((e: unknown) => e);
    expect((thrown as Response).status).toBe(413);
    expect((await readForm(big(), { maxBytes: 10_000 })).get("a")).toHaveLength(2_000);
  });
});

describe("control characters are a field error, whatever the schema", () => {
  test("NUL and other C0 characters in any field", () => {
    const schema = z.object({ name: fields.text(50), note: fields.optionalText(50), role: z.string() });
    const result = parseForm(schema, { name: "Ama\u0000", note: "a\u001bb", role: "x\u0007" });
    expect(result).toEqual({ ok: false, errors: { name: "errors.invalidCharacters", note: "errors.invalidCharacters", role: "errors.invalidCharacters" } });
  });
  test("tabs and line breaks stay allowed (textareas)", () => {
    const schema = z.object({ reason: fields.text(50) });
    expect(parseForm(schema, { reason: "ligne 1\r\nligne 2\tfin" })).toEqual({ ok: true, data: { reason: "ligne 1\r\nligne 2\tfin" } });
  });
  test("the schemas refuse them on their own too", () => {
    expect(fields.text().safeParse("a\u0000").success).toBe(false);
    expect(fields.optionalText().safeParse("a\u007f").success).toBe(false);
  });
});

describe("dates stay within 2000–2100 and name a real day", () => {
  const date = fields.date();
  const error = (v: string) => {
    const r = date.safeParse(v);
    return r.success ? undefined : r.error.issues[0].message;
  };
  test("valid days pass", () => {
    for (const v of ["2000-01-01", "2026-02-28", "2028-02-29", "2100-12-31"]) expect(error(v)).toBeUndefined();
  });
  test("impossible or odd forms are 'errors.date'", () => {
    for (const v of ["2026-02-30", "2027-02-29", "+020000-01-01", "2026-1-1", "2026-13-01", "20260101", "2026-01-01T00:00:00Z", "NaN"]) expect(error(v)).toBe("errors.date");
    expect(error("")).toBe("error.required");
  });
  test("outside the window is 'errors.dateRange'", () => {
    for (const v of ["0000-01-01", "1999-12-31", "2101-01-01", "9999-12-31"]) expect(error(v)).toBe("errors.dateRange");
  });
  test("maxYearsAhead caps from today", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-06-15T12:00:00Z"));
    try {
      const start = fields.date({ maxYearsAhead: 3 });
      expect(start.safeParse("2029-06-15").success).toBe(true);
      const far = start.safeParse("2029-06-16");
      expect(far.success ? undefined : far.error.issues[0].message).toBe("errors.dateTooFar");
    } finally {
      vi.useRealTimers();
    }
  });
  test("addYears keeps the end of February", () => {
    expect(addYears("2028-02-29", 1)).toBe("2029-02-28");
    expect(addYears("2026-06-15", 3)).toBe("2029-06-15");
  });
});

describe("whole numbers within the column's limits", () => {
  const n = fields.int(0, 100_000);
  const error = (v: string) => {
    const r = n.safeParse(v);
    return r.success ? undefined : r.error.issues[0].message;
  };
  test("inside passes, outside is 'errors.numberRange', not a number is 'errors.number'", () => {
    expect(n.parse("100000")).toBe(100_000);
    expect(n.parse("007")).toBe(7);
    for (const v of ["100001", "99999999999", "9".repeat(400)]) expect(error(v)).toBe("errors.numberRange");
    for (const v of ["-1", "1e400", "NaN", "1.5", "Infinity", "0x10", "1 000"]) expect(error(v)).toBe("errors.number");
  });
  test("a request line's quantity follows the database (at most 100 000)", () => {
    const line = (q: string) => NewRequestForm.safeParse({ siteId: "00000000-0000-4000-8000-000000000000", desiredStartOn: "2030-01-01", termMonths: "12", qty_rack_unit: q });
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2029-01-01T00:00:00Z"));
    try {
      expect(line("100000").success).toBe(true);
      expect(line("100001").success).toBe(false);
      expect(line("999999").success).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});

test("an organisation name is counted in characters as the database counts them", () => {
  const base = { orgKind: "sme", taxId: "NIF-1234", billingEmail: "a@b.cg", address: "x", country: "CG", name: "A", email: "a@b.cg", password: "0123456789", passwordConfirm: "0123456789" };
  const result = parseForm(SignUpForm, { ...base, orgName: "𝒜" });
  expect(result.ok ? undefined : result.errors.orgName).toBe("error.tooShort");
});
