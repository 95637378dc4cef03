import { sql, type Kysely } from "kysely";
import type { Database } from "#db/schema";
import { enqueue, startJobWorker } from "~/modules/jobs/jobs.server";
import { startOutboxWorker, type SendMail } from "~/modules/email/outbox.server";
import { BILLING_RUN_KIND, billingRunKey } from "~/modules/billing/run.server";
import { REMINDERS_KIND, remindersKey } from "~/modules/payments/reminders.server";
import { RENEWALS_KIND, renewalsKey } from "~/modules/renewals/renewals.server";
import { PARTITIONS_KIND, partitionsKey, schedulePartitionUpkeep } from "~/modules/metering/partitions.server";
import { anotherPool, createTestDb, usingPostgres, type TestDb } from "../support/db";
import { createUser } from "../support/factories";
import { addContract, addMeter, addOrg, siteByCode } from "../support/billing-world";

/**
 * Two server processes on one PostgreSQL database (README "Deploy on PostgreSQL"): each with its own
 * connection pool, its own job runner loop (`startJobWorker`) and its own e-mail worker
 * (`startOutboxWorker`), both enqueuing the same work at the same moment, as their schedules do —
 * the billing run of a month, the day's reminders, the day's renewals, the day's partition upkeep.
 * Every job runs once, and each effect happens once: one draft per organisation, one notice per
 * contract, each month's partition created once, each e-mail sent once.
 */
describe.runIf(usingPostgres())("two server processes on one PostgreSQL", () => {
  let t: TestDb;
  let other: Kysely<Database>;
  beforeAll(async () => {
    t = await createTestDb({ reference: true });
    other = await anotherPool(t.db, 5);
  });
  afterAll(async () => {
    await other?.destroy();
    await t?.cleanup();
  });

  it("every background job's effect happens once", async () => {
    const site = await siteByCode(t.db, "LDC");
    await createUser(t.db, { operatorRole: "ops_admin", email: "admin@dc.test" });
    const ORGS = 8;
    for (let i = 0; i < ORGS; i++) {
      const org = await addOrg(t.db, `Client ${i}`);
      await createUser(t.db, { orgId: org, role: "owner", email: `owner${i}@client.test` });
      // A commitment from 2026-03-17 for 12 months: its 90-day renewal notice is due on 2026-12-16.
      const contract = await addContract(t.db, { orgId: org, siteId: site.id, startOn: "2026-03-17", termMonths: 12 }, { rack_unit: [2, 25_000], energy_kwh: [0, 150] });
      const meter = await addMeter(t.db, { siteId: site.id, externalId: `TWO-PDU-${i}`, kind: "power", contractId: contract, attachedOn: "2026-03-17" });
      await t.db
        .insertInto("samples")
        .values([
          { meter_id: meter, metric: "energy_kwh", at: new Date("2026-11-01T00:00:00Z"), value: 100 },
          { meter_id: meter, metric: "energy_kwh", at: new Date("2026-11-30T23:00:00Z"), value: 100 + 10 * (i + 1) },
        ])
        .execute();
    }

    const sent: string[] = [];
    const send: SendMail = async (mail) => {
      await new Promise((r) => setTimeout(r, 5));
      sent.push(`${mail.to} ${mail.subject}`);
    };
    const processes = [
      { db: t.db, owner: "process-a" },
      { db: other, owner: "process-b" },
    ];
    const stops = processes.flatMap((p) => [
      startJobWorker(p.db, { intervalMs: 30, owner: p.owner }),
      startOutboxWorker({ intervalMs: 30, send, db: p.db, limit: 3 }),
    ]);
    try {
      // Both processes enqueue the same work at the same moment.
      const day = "2026-12-16";
      const now = new Date();
      const enqueueAll = (db: Kysely<Database>) =>
        Promise.all([
          enqueue(db, { kind: BILLING_RUN_KIND, key: billingRunKey("LDC", "2026-11"), payload: { siteCode: "LDC", period: "2026-11" } }),
          enqueue(db, { kind: REMINDERS_KIND, key: remindersKey(day), payload: { today: day } }),
          enqueue(db, { kind: RENEWALS_KIND, key: renewalsKey(day), payload: { today: day } }),
          schedulePartitionUpkeep(db, now),
        ]);
      await Promise.all(processes.map((p) => enqueueAll(p.db)));

      // Wait for every job to end and the outbox to drain.
      for (let i = 0; i < 1800; i++) {
        const { rows } = await sql<{ open: number; pending: number }>`
          SELECT (SELECT count(*) FROM jobs WHERE status IN ('queued', 'running'))::int8 AS open,
                 (SELECT count(*) FROM email_outbox WHERE status = 'pending')::int8 AS pending`.execute(t.db);
        if (rows[0].open === 0 && rows[0].pending === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await Promise.all(stops.map((stop) => stop()));
    }

    // One job per key, each run once to the end (one attempt).
    const jobs = await t.db.selectFrom("jobs").select(["kind", "key", "status", "attempts", "error", "lease_owner"]).orderBy("kind").execute();
    expect(jobs.map((j) => [j.kind, j.key, j.status, j.attempts, j.error])).toEqual(
      [
        [BILLING_RUN_KIND, billingRunKey("LDC", "2026-11"), "done", 1, null],
        [PARTITIONS_KIND, partitionsKey(new Date().toISOString().slice(0, 10)), "done", 1, null],
        [REMINDERS_KIND, remindersKey("2026-12-16"), "done", 1, null],
        [RENEWALS_KIND, renewalsKey("2026-12-16"), "done", 1, null],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );

    // Billing run: one draft per organisation, each with its energy line once.
    const invoices = await t.db.selectFrom("invoices").select(["org_id"]).where("site_id", "=", site.id).where("period", "=", "2026-11").execute();
    expect(invoices).toHaveLength(ORGS);
    expect(new Set(invoices.map((i) => i.org_id)).size).toBe(ORGS);
    const energy = await t.db.selectFrom("invoice_lines").select(["quantity"]).where("kind", "=", "energy").execute();
    expect(energy.map((l) => Number(l.quantity)).sort((a, b) => a - b)).toEqual(Array.from({ length: ORGS }, (_, i) => 10 * (i + 1)));

    // Renewals: one 90-day notice per contract.
    const notices = await t.db.selectFrom("renewal_notices").select(["contract_id", "days_before"]).execute();
    expect(notices).toHaveLength(ORGS);
    expect(new Set(notices.map((n) => n.contract_id)).size).toBe(ORGS);

    // Partition upkeep: this month and the next three exist, once each.
    const parts = await sql<{ name: string }>`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'samples'::regclass`.execute(t.db);
    const names = parts.rows.map((r) => r.name);
    for (let k = 0; k <= 3; k++) {
      const d = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + k, 1));
      const m = `samples_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
      expect(names.filter((n) => n === m)).toHaveLength(1);
    }

    // E-mails: each message sent once, none left pending or failed.
    const outbox = await t.db.selectFrom("email_outbox").select(["to_address", "subject", "status", "attempts"]).execute();
    expect(outbox.length).toBeGreaterThanOrEqual(ORGS);
    expect(outbox.every((m) => m.status === "sent")).toBe(true);
    expect(sent).toHaveLength(outbox.length);
    expect(new Set(sent).size).toBe(sent.length);
  }, 180_000);
});
