/**
 * Work done after the response has left: the forgot-password form answers before it even looks
 * the address up, so its answer takes the same time for known and unknown addresses.
 *
 * Runs in this process (the portal is one long-lived server); a failure is logged, never thrown.
 * Tests await `settleBackgroundWork()` before looking at what the work wrote.
 */
const pending = new Set<Promise<void>>();

export function runAfterResponse(label: string, work: () => Promise<unknown>) {
  const task: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
    .then(work)
    .then(
      () => undefined,
      (error) => console.error(`[${label}] background work failed`, error),
    )
    .finally(() => pending.delete(task));
  pending.add(task);
}

/** Resolves once every piece of background work started so far (and any it started) has finished. */
export async function settleBackgroundWork() {
  while (pending.size) await Promise.all([...pending]);
}
