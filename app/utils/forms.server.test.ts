import { z } from "zod";
import { fields, parseForm } from "./forms.server";
import { pageParam, safeRedirect } from "./forms";
import { SignUpForm } from "~/modules/orgs/schemas.server";

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
