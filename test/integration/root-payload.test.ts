import { createTestDb, type TestDb } from "../support/db";
import { call, getRequest } from "../support/http";
import { createOrg, signedIn } from "../support/factories";
import { loader as rootLoader } from "~/root";
import { settleBackgroundWork } from "~/modules/auth/background.server";
import { dictionaryUrl } from "~/i18n/dictionary.server";

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  await settleBackgroundWork();
  await t.cleanup();
});

describe("the root loader's data (in every document and every revalidation after a form)", () => {
  test("names the reader's dictionary file and carries no messages: a few bytes", async () => {
    const org = await createOrg(t.db);
    for (const locale of ["fr", "en"] as const) {
      const me = await signedIn(t.db, { orgId: org.id, locale });
      const res = await call(rootLoader, getRequest("/app", { cookie: me.cookie }));
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ locale, dictionaryUrl: dictionaryUrl(locale, "tenant") });
      expect(text.length).toBeLessThan(120);
      expect(text).not.toContain("app.name");
    }
    const anonymous = await call(rootLoader, getRequest("/signin"));
    expect(await anonymous.json()).toEqual({ locale: "fr", dictionaryUrl: dictionaryUrl("fr", "tenant") });
    // An operator's browser gets every message (the operators' area's too): another file.
    const operator = await signedIn(t.db, { operatorRole: "ops_noc" });
    const op = await (await call(rootLoader, getRequest("/ops", { cookie: operator.cookie }))).json();
    expect(op.dictionaryUrl).toBe(dictionaryUrl("fr", "operator"));
    expect(op.dictionaryUrl).not.toBe(dictionaryUrl("fr", "tenant"));
  });
});
