import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { runTsx, withDatabaseAt } from "../support/cli";
import { createOrg, createUser } from "../support/factories";
import { addContract, siteByCode } from "../support/billing-world";

/**
 * `renewals run` and `reminders run`: the day's jobs the server schedules, run by an operator from
 * the command line (a child process on the embedded database, as operators run it), to the end,
 * and safe to repeat.
 */
describe("daily jobs from the command line", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "portal-daily-cli-"));
  const cli = (...args: string[]) => runTsx(dataDir, ["app/cli.ts", ...args]);

  beforeAll(async () => {
    const seeded = await runTsx(dataDir, ["seeds/run.ts", "--no-demo"]);
    expect(seeded.code, seeded.stderr).toBe(0);
  }, 180_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test("renewals run sends the notice due once, however often it runs; reminders run answers its summary", async () => {
    // A Lomé contract whose commitment ends in 60 days: the 60-day notice is due (the 90-day one, missed, is recorded as skipped).
    const { contractId, end } = await withDatabaseAt(dataDir, async (db) => {
      const today = (await sql<{ d: string }>`SELECT site_today(id)::text AS d FROM sites WHERE code = 'LDC'`.execute(db)).rows[0].d;
      const org = await createOrg(db, { name: "Kara Hosting" });
      await createUser(db, { orgId: org.id, role: "owner", email: "owner@kara.example.test" });
      const site = await siteByCode(db, "LDC");
      const end = (await sql<{ d: string }>`SELECT (${today}::date + 60)::text AS d`.execute(db)).rows[0].d;
      const contractId = await addContract(db, { orgId: org.id, siteId: site.id, startOn: (await sql<{ d: string }>`SELECT (${end}::date - 364)::text AS d`.execute(db)).rows[0].d, termMonths: 12 }, { rack_unit: [2, 25_000] });
      await db.updateTable("contracts").set({ commitment_ends_on: end }).where("id", "=", contractId).execute();
      return { contractId, end };
    });

    for (let i = 0; i < 2; i++) {
      const run = await cli("renewals", "run");
      expect(run.code, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout.trim().split("\n").pop()!);
      expect(summary.notices).toBe(i === 0 ? 1 : 0);
    }
    const notices = await withDatabaseAt(dataDir, (db) =>
      db.selectFrom("renewal_notices").select(["days_before", "status", "commitment_ends_on"]).where("contract_id", "=", contractId).orderBy("days_before").execute(),
    );
    expect(notices).toEqual([
      { days_before: 60, status: "sent", commitment_ends_on: end },
      { days_before: 90, status: "skipped", commitment_ends_on: end },
    ]);

    const reminders = await cli("reminders", "run");
    expect(reminders.code, reminders.stderr).toBe(0);
    expect(JSON.parse(reminders.stdout.trim().split("\n").pop()!)).toMatchObject({ sent: 0, sites: expect.any(Array) });
  }, 180_000);
});
