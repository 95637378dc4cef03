import net from "node:net";
import { sql, type Kysely } from "kysely";
import type { Database } from "#db/schema";
import { createTestDb, type TestDb } from "../support/db";
import { startSmtpCapture, type SmtpCapture } from "../support/smtp-capture";
import {
  MAX_ATTEMPTS,
  deliverDueEmails,
  enqueueEmail,
  extractLinks,
  getOutboxMessage,
  listOutbox,
  smtpSender,
  startOutboxWorker,
  type OutgoingMail,
} from "~/modules/email/outbox.server";
import type { EmailMessage } from "#emails/index";

const FROM = "Portail colocation <no-reply@portal.test>";
const MINUTE = 60_000;

const link = (n = 1) => `https://portal.test/auth/verify?token=tok-${n}&lang=fr`;
const verify = (n = 1): EmailMessage => ({ template: "verify_email", props: { name: `User ${n}`, url: link(n) } });

let testDb: TestDb;
let db: Kysely<Database>;

beforeEach(async () => {
  testDb = await createTestDb();
  db = testDb.db;
});
afterEach(async () => {
  await testDb.cleanup();
});

const row = (id: string) => db.selectFrom("email_outbox").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

/** A local port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function recordingSender(opts: { fail?: boolean; delayMs?: number } = {}) {
  const sent: OutgoingMail[] = [];
  const send = async (mail: OutgoingMail) => {
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    if (opts.fail) throw new Error("connect ECONNREFUSED 127.0.0.1:1");
    sent.push(mail);
  };
  return { sent, send };
}

describe("enqueueEmail", () => {
  it("stores nothing when the caller's transaction rolls back", async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await enqueueEmail(trx, { to: "awa@example.tg", locale: "fr", message: verify() });
        throw new Error("the sign-up failed");
      }),
    ).rejects.toThrow("the sign-up failed");
    const { n } = await db.selectFrom("email_outbox").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(n)).toBe(0);
  });

  it("stores a rendered, pending message when the transaction commits", async () => {
    const id = await db
      .transaction()
      .execute((trx) => enqueueEmail(trx, { to: "awa@example.tg", locale: "en", message: verify() }));
    const stored = await row(id);
    expect(stored).toMatchObject({
      template: "verify_email",
      locale: "en",
      to_address: "awa@example.tg",
      subject: "Confirm your email address",
      status: "pending",
      attempts: 0,
      sent_at: null,
      last_error: null,
    });
    expect(stored.text).toContain(link());
    expect(stored.html).toContain(link().replace("&", "&amp;"));
  });
});

describe("deliverDueEmails", () => {
  let smtp: SmtpCapture;
  beforeEach(async () => {
    smtp = await startSmtpCapture();
  });
  afterEach(async () => {
    await smtp.close();
  });

  it("delivers a queued message through a real SMTP conversation and marks it sent", async () => {
    const id = await enqueueEmail(db, {
      to: "kossi@example.tg",
      locale: "fr",
      message: { template: "invitation", props: { orgName: "Togo Cloud SARL", inviterName: "Awa", role: "technical", url: link(7) } },
    });
    const report = await deliverDueEmails(db, smtpSender(smtp.url, FROM), { from: FROM });
    expect(report).toEqual({ sent: 1, retried: 0, failed: 0 });

    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0];
    expect(mail.envelopeTo).toEqual(["kossi@example.tg"]);
    expect(mail.to).toContain("kossi@example.tg");
    expect(mail.from).toContain("no-reply@portal.test");
    expect(mail.subject).toBe("Awa vous invite à rejoindre Togo Cloud SARL");
    expect(mail.text).toContain(link(7));
    expect(mail.text).toContain("Technique");
    expect(mail.html).toContain(link(7).replace("&", "&amp;"));

    const stored = await row(id);
    expect(stored.status).toBe("sent");
    expect(stored.attempts).toBe(1);
    expect(stored.sent_at).toBeInstanceOf(Date);
    expect(stored.last_error).toBeNull();

    // Sent once, never again.
    expect(await deliverDueEmails(db, smtpSender(smtp.url, FROM), { from: FROM })).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(smtp.messages).toHaveLength(1);
  });

  it("keeps the message pending and retries in a minute when the mail server is down", async () => {
    const id = await enqueueEmail(db, { to: "awa@example.tg", locale: "fr", message: verify() });
    const now = new Date();
    const down = smtpSender(`smtp://127.0.0.1:${await closedPort()}`, FROM);
    const report = await deliverDueEmails(db, down, { now });
    expect(report).toEqual({ sent: 0, retried: 1, failed: 0 });

    const stored = await row(id);
    expect(stored.status).toBe("pending");
    expect(stored.attempts).toBe(1);
    expect(stored.sent_at).toBeNull();
    expect(stored.last_error).toMatch(/ECONNREFUSED|connect/i);
    expect(Math.abs(stored.next_attempt_at.getTime() - (now.getTime() + MINUTE))).toBeLessThan(1000);

    // Once the server is back and the minute has passed, it goes out.
    const later = new Date(now.getTime() + MINUTE + 1000);
    expect(await deliverDueEmails(db, smtpSender(smtp.url, FROM), { now: later })).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(smtp.messages.map((m) => m.envelopeTo[0])).toEqual(["awa@example.tg"]);
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 2 });
  });
});

describe("retries", () => {
  it("backs off exponentially and gives up after 8 failed attempts", async () => {
    const id = await enqueueEmail(db, { to: "awa@example.tg", locale: "fr", message: verify() });
    const failing = recordingSender({ fail: true });
    let now = new Date(Date.now() + 1000);
    const waits: number[] = [];

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // Not due yet a second before the scheduled attempt.
      if (attempt > 1) {
        const early = new Date(now.getTime() - 1000);
        expect(await deliverDueEmails(db, failing.send, { now: early })).toEqual({ sent: 0, retried: 0, failed: 0 });
      }
      const report = await deliverDueEmails(db, failing.send, { now });
      const stored = await row(id);
      expect(stored.attempts).toBe(attempt);
      expect(stored.last_error).toContain("ECONNREFUSED");
      if (attempt < MAX_ATTEMPTS) {
        expect(report).toEqual({ sent: 0, retried: 1, failed: 0 });
        expect(stored.status).toBe("pending");
        waits.push((stored.next_attempt_at.getTime() - now.getTime()) / MINUTE);
        now = stored.next_attempt_at;
      } else {
        expect(report).toEqual({ sent: 0, retried: 0, failed: 1 });
        expect(stored.status).toBe("failed");
      }
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64]);

    // A failed message is never picked up again.
    const ok = recordingSender();
    expect(await deliverDueEmails(db, ok.send, { now: new Date(now.getTime() + 24 * 60 * MINUTE) })).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(ok.sent).toHaveLength(0);
  });

  it("does not send a message that is not due yet", async () => {
    const id = await enqueueEmail(db, { to: "awa@example.tg", locale: "fr", message: verify() });
    const now = new Date();
    await db.updateTable("email_outbox").set({ next_attempt_at: new Date(now.getTime() + 10 * MINUTE) }).where("id", "=", id).execute();
    const sender = recordingSender();
    expect(await deliverDueEmails(db, sender.send, { now })).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(sender.sent).toHaveLength(0);
    expect(await row(id)).toMatchObject({ status: "pending", attempts: 0 });
  });
});

describe("batches", () => {
  it("claims at most `limit` messages per call, oldest first", async () => {
    for (let i = 0; i < 12; i++) {
      await enqueueEmail(db, { to: `user${i}@example.tg`, locale: "fr", message: verify(i) });
    }
    const sender = recordingSender();
    expect(await deliverDueEmails(db, sender.send, { limit: 5 })).toEqual({ sent: 5, retried: 0, failed: 0 });
    expect(sender.sent.map((m) => m.to)).toEqual([0, 1, 2, 3, 4].map((i) => `user${i}@example.tg`));
    const { n } = await db
      .selectFrom("email_outbox")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "=", "pending")
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(7);
  });
});

describe("concurrent workers", () => {
  it("never send the same message twice", async () => {
    const total = 30;
    for (let i = 0; i < total; i++) {
      await enqueueEmail(db, { to: `user${i}@example.tg`, locale: i % 2 ? "en" : "fr", message: verify(i) });
    }
    const sender = recordingSender({ delayMs: 3 });
    const worker = async () => {
      let sent = 0;
      for (;;) {
        const report = await deliverDueEmails(db, sender.send, { limit: 7 });
        sent += report.sent;
        if (report.sent === 0) return sent;
      }
    };
    const [a, b] = await Promise.all([worker(), worker()]);
    expect(a + b).toBe(total);
    // Both took part: a claim leaves the rows another worker holds alone and takes the next ones.
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    const recipients = sender.sent.map((m) => m.to).sort();
    expect(recipients).toHaveLength(total);
    expect(new Set(recipients).size).toBe(total);
    const statuses = await db.selectFrom("email_outbox").select(["status", "attempts"]).execute();
    expect(statuses.every((s) => s.status === "sent" && s.attempts === 1)).toBe(true);
  });
});

describe("startOutboxWorker", () => {
  it("polls the queue and stops cleanly", async () => {
    const sender = recordingSender();
    const stop = startOutboxWorker({ intervalMs: 100, send: sender.send, from: FROM });
    try {
      await enqueueEmail(db, { to: "awa@example.tg", locale: "fr", message: verify() });
      await vi.waitFor(() => expect(sender.sent).toHaveLength(1), { timeout: 5000, interval: 50 });
      expect(sender.sent[0]).toMatchObject({ from: FROM, to: "awa@example.tg", subject: "Confirmez votre adresse e-mail" });
    } finally {
      await stop();
    }
    await enqueueEmail(db, { to: "kossi@example.tg", locale: "fr", message: verify(2) });
    await new Promise((r) => setTimeout(r, 300));
    expect(sender.sent).toHaveLength(1);
  });

  it("logs a failing run and keeps polling", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const sender = recordingSender();
    let calls = 0;
    const flaky = async (mail: OutgoingMail) => {
      calls++;
      await sender.send(mail);
    };
    // Break the table for the first run: the claim query fails, the worker survives.
    await db.schema.alterTable("email_outbox").renameTo("email_outbox_moved").execute();
    const stop = startOutboxWorker({ intervalMs: 100, send: flaky, from: FROM });
    try {
      await vi.waitFor(() => expect(errors).toHaveBeenCalled(), { timeout: 5000, interval: 50 });
      await db.schema.alterTable("email_outbox_moved").renameTo("email_outbox").execute();
      await enqueueEmail(db, { to: "awa@example.tg", locale: "fr", message: verify() });
      await vi.waitFor(() => expect(sender.sent).toHaveLength(1), { timeout: 5000, interval: 50 });
      expect(calls).toBe(1);
    } finally {
      await stop();
      errors.mockRestore();
    }
  });
});

describe("operator views", () => {
  it("lists newest first with a total and pages", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await enqueueEmail(db, { to: `u${i}@example.tg`, locale: "fr", message: verify(i) }));
      // created_at is the transaction time (read-only in the schema type); make the order explicit.
      await sql`UPDATE email_outbox SET created_at = ${new Date(Date.UTC(2026, 0, 1, 0, i))} WHERE id = ${ids[i]}`.execute(db);
    }
    const first = await listOutbox(db, { page: 1, pageSize: 2 });
    expect(first.total).toBe(5);
    expect(first.items.map((m) => m.id)).toEqual([ids[4], ids[3]]);
    expect(first.items[0]).not.toHaveProperty("html");
    const last = await listOutbox(db, { page: 3, pageSize: 2 });
    expect(last.items.map((m) => m.id)).toEqual([ids[0]]);
  });

  it("opens one message and answers undefined for unknown or malformed ids", async () => {
    const id = await enqueueEmail(db, { to: "awa@example.tg", locale: "fr", message: verify(3) });
    const message = await getOutboxMessage(db, id);
    expect(message?.to_address).toBe("awa@example.tg");
    expect(extractLinks(message!.text)).toEqual([link(3)]);
    expect(await getOutboxMessage(db, "3f0e9a4c-5b7d-4e2a-9c1b-8d6f0a2e4b1c")).toBeUndefined();
    expect(await getOutboxMessage(db, "not-a-uuid")).toBeUndefined();
    expect(await getOutboxMessage(db, "' OR 1=1 --")).toBeUndefined();
  });
});

describe("extractLinks", () => {
  it("finds distinct http(s) URLs without trailing punctuation", () => {
    const text = "Open https://a.test/x?y=1&z=2. Or (http://b.test/path), again https://a.test/x?y=1&z=2 and mailto:x@y.z ftp://c.test";
    expect(extractLinks(text)).toEqual(["https://a.test/x?y=1&z=2", "http://b.test/path"]);
  });
});
