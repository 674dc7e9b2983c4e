// Every long-lived part has the same handle: stop() is idempotent and
// resolves once the part has stopped; done settles when it ends on its own.
export interface Handle {
  stop(): Promise<void>;
  done: Promise<void>;
}

/** An abortable sleep: resolves after ms, or early (without throwing) when signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Makes a stop function idempotent: later calls return the first call's promise. */
export function once(stop: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => (pending ??= stop());
}
