/**
 * The server's periodic work (outbox delivery, background jobs, housekeeping) shares one loop:
 * `pass` runs `firstAfterMs` after start (default `intervalMs`), then `intervalMs` after the end of
 * each pass, never two passes at once. A failing pass is logged under `label`, never thrown; `pass`
 * may check `stopped()` to end early. Returns `stop`, which resolves once the pass in progress, if
 * any, has finished.
 */
export function startLoop(
  label: string,
  intervalMs: number,
  pass: (stopped: () => boolean) => Promise<void>,
  opts: { firstAfterMs?: number } = {},
): () => Promise<void> {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass(() => stopped)
        .catch((error) => console.error(`[${label}] run failed`, error))
        .finally(() => {
          running = undefined;
          schedule(intervalMs);
        });
    }, ms);
    timer.unref?.();
  };
  schedule(opts.firstAfterMs ?? intervalMs);
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
