import { createTestDb, usingPostgres, type TestDb } from "../support/db";
import { claimNext, complete, enqueue, fail, getJob, registerJobHandler, reportProgress, runJobToCompletion, startJobWorker } from "~/modules/jobs/jobs.server";

/** The one job runner: unique keys, leases that survive a killed process, retries, one claimer per job. */

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  await t.cleanup();
});

const T0 = new Date("2026-12-01T10:00:00Z");
const later = (ms: number) => new Date(T0.getTime() + ms);

test("a second enqueue of a queued or running key is a no-op; a done key is enqueued again as a new job", async () => {
  const a = await enqueue(t.db, { kind: "test.echo", key: "k1", payload: { n: 1 }, runAfter: T0 });
  const b = await enqueue(t.db, { kind: "test.echo", key: "k1", payload: { n: 2 }, runAfter: T0 });
  expect(a.created).toBe(true);
  expect(b).toEqual({ job: expect.objectContaining({ id: a.job.id, payload: { n: 1 } }), created: false });

  const claimed = await claimNext(t.db, "w1", 60_000, { now: T0 });
  expect(claimed?.id).toBe(a.job.id);
  expect((await enqueue(t.db, { kind: "test.echo", key: "k1" })).created).toBe(false);

  expect(await reportProgress(t.db, a.job.id, "w1", { done: 1, total: 2, label: "half" }, 60_000, T0)).toBe(true);
  expect(await reportProgress(t.db, a.job.id, "w2", { done: 2, total: 2 }, 60_000, T0)).toBe(false);
  expect(await complete(t.db, a.job.id, "w1", { ok: true }, T0)).toBe(true);
  expect(await getJob(t.db, a.job.id)).toMatchObject({ status: "done", result: { ok: true }, progress_done: 1, progress_total: 2, progress_label: "half", lease_owner: null });

  const again = await enqueue(t.db, { kind: "test.echo", key: "k1" });
  expect(again.created).toBe(true);
  expect(again.job.id).not.toBe(a.job.id);
});

test("an expired lease is claimed again (the first process was killed); the stale owner can no longer complete", async () => {
  const { job } = await enqueue(t.db, { kind: "test.echo", key: "k2", runAfter: T0 });
  expect((await claimNext(t.db, "dead", 30_000, { now: T0 }))?.id).toBe(job.id);
  // While the lease runs nobody else gets it.
  expect(await claimNext(t.db, "w2", 30_000, { now: later(29_000) })).toBeUndefined();
  const reclaimed = await claimNext(t.db, "w2", 30_000, { now: later(31_000) });
  expect(reclaimed).toMatchObject({ id: job.id, lease_owner: "w2", attempts: 2, status: "running" });
  expect(await complete(t.db, job.id, "dead", null, later(32_000))).toBe(false);
  expect(await complete(t.db, job.id, "w2", { by: "w2" }, later(32_000))).toBe(true);
  expect(await getJob(t.db, job.id)).toMatchObject({ status: "done", result: { by: "w2" } });
});

test("a failure is retried after a back-off until max_attempts, then the job is failed", async () => {
  const { job } = await enqueue(t.db, { kind: "test.echo", key: "k3", maxAttempts: 2, runAfter: T0 });
  await claimNext(t.db, "w", 60_000, { now: T0 });
  expect(await fail(t.db, job.id, "w", new Error("boom"), T0)).toBe("retry");
  expect(await getJob(t.db, job.id)).toMatchObject({ status: "queued", error: "boom", run_after: later(5_000) });
  expect(await claimNext(t.db, "w", 60_000, { now: later(4_000) })).toBeUndefined();
  expect((await claimNext(t.db, "w", 60_000, { now: later(5_000) }))?.attempts).toBe(2);
  expect(await fail(t.db, job.id, "w", new Error("boom again"), later(6_000))).toBe("failed");
  expect(await getJob(t.db, job.id)).toMatchObject({ status: "failed", error: "boom again" });
});

test("runJobToCompletion runs the registered handler with progress and returns the finished job", async () => {
  let calls = 0;
  registerJobHandler("test.count", async ({ job, progress }) => {
    calls++;
    if (calls === 1) throw new Error("first attempt fails");
    await progress(3, 3, "all");
    return { payload: job.payload };
  });
  const { job } = await enqueue(t.db, { kind: "test.count", key: "k4", payload: { x: 1 } });
  // The retry waits out its 5 s back-off, then succeeds.
  const done = await runJobToCompletion(t.db, job.id, { pollMs: 50 });
  expect(done).toMatchObject({ status: "done", attempts: 2, result: { payload: { x: 1 } }, progress_done: 3, progress_total: 3 });
}, 20_000);

test("the worker loop runs due jobs of registered kinds and leaves unknown kinds queued", async () => {
  registerJobHandler("test.worker", async ({ job }) => ({ echoed: job.key }));
  const known = await enqueue(t.db, { kind: "test.worker", key: "w-1" });
  const unknown = await enqueue(t.db, { kind: "test.nobody", key: "w-2" });
  const stop = startJobWorker(t.db, { intervalMs: 20 });
  try {
    for (let i = 0; i < 100 && (await getJob(t.db, known.job.id))?.status !== "done"; i++) await new Promise((r) => setTimeout(r, 50));
  } finally {
    await stop();
  }
  expect(await getJob(t.db, known.job.id)).toMatchObject({ status: "done", result: { echoed: "w-1" } });
  expect(await getJob(t.db, unknown.job.id)).toMatchObject({ status: "queued", attempts: 0 });
});

test.runIf(usingPostgres())("two concurrent claimers never run the same job (PostgreSQL)", async () => {
  for (let i = 0; i < 20; i++) await enqueue(t.db, { kind: "test.echo", key: `c${i}`, runAfter: T0 });
  const claims: string[] = [];
  const worker = async (owner: string) => {
    for (;;) {
      const job = await claimNext(t.db, owner, 60_000, { now: later(1_000) });
      if (!job) return;
      claims.push(job.id);
      await complete(t.db, job.id, owner, owner, later(1_000));
    }
  };
  await Promise.all([worker("a"), worker("b"), worker("c"), worker("d")]);
  expect(claims).toHaveLength(20);
  expect(new Set(claims).size).toBe(20);
  const rows = await t.db.selectFrom("jobs").select(["status", "attempts"]).execute();
  expect(rows.every((r) => r.status === "done" && r.attempts === 1)).toBe(true);
});
