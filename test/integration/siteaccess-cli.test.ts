import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { runTsx, withDatabaseAt } from "../support/cli";
import { createContract, createOrg, createUser } from "../support/factories";

/**
 * `siteaccess run`: the daily site-access job the server schedules, run by an operator from the
 * command line (a child process on the embedded database), to the end, safe to repeat; a malformed
 * VISIT_ID_RETENTION_DAYS stops it with a clear message.
 */
describe("siteaccess run", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "portal-siteaccess-cli-"));
  const cli = (env: Record<string, string> = {}) => runTsx(dataDir, ["app/cli.ts", "siteaccess", "run"], env);

  beforeAll(async () => {
    const seeded = await runTsx(dataDir, ["seeds/run.ts", "--no-demo"]);
    expect(seeded.code, seeded.stderr).toBe(0);
  }, 180_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test("a badge ending in 7 days: one reminder to the owner, however often it runs", async () => {
    await withDatabaseAt(dataDir, async (db) => {
      const site = await db.selectFrom("sites").select(["id"]).where("code", "=", "LDC").executeTakeFirstOrThrow();
      const today = (await sql<{ d: string }>`SELECT site_today(${site.id})::text AS d`.execute(db)).rows[0].d;
      const org = await createOrg(db, { name: "Kara Hosting" });
      await createUser(db, { orgId: org.id, role: "owner", email: "owner@kara.example.test" });
      await createContract(db, { orgId: org.id, siteId: site.id, startOn: "2026-01-01" });
      const until = (await sql<{ d: string }>`SELECT (${today}::date + 7)::text AS d`.execute(db)).rows[0].d;
      await db.insertInto("badge_holders").values({ org_id: org.id, site_id: site.id, name: "Sena Agbeko", company: "Kara", id_doc_type: "passport", id_doc_number: "P5566778", valid_until: until }).execute();
    });
    const first = await cli();
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout.trim().split("\n").pop()!);
    expect(summary).toMatchObject({ reminders: 1, emails: 1, visitsPurged: 0 });
    const again = await cli();
    expect(again.code, again.stderr).toBe(0);
    await withDatabaseAt(dataDir, async (db) => {
      const mails = await db.selectFrom("email_outbox").select(["to_address", "template", "text"]).where("template", "=", "site_access_badge_expiring").execute();
      expect(mails.map((m) => m.to_address)).toEqual(["owner@kara.example.test"]);
      expect(mails[0].text).not.toContain("P5566778");
      expect(await db.selectFrom("badge_reminders").select("days_before").execute()).toEqual([{ days_before: 7 }]);
    });
  }, 240_000);

  test("a malformed VISIT_ID_RETENTION_DAYS stops the run with a message naming it", async () => {
    const bad = await cli({ VISIT_ID_RETENTION_DAYS: "ninety" });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr + bad.stdout).toContain("VISIT_ID_RETENTION_DAYS");
  }, 120_000);
});
