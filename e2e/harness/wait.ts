/**
 * Polls until an assertion passes or a bounded time runs out; returns how long it took.
 * An aborted `signal` (e.g. the process under test exited) ends the wait after the next failed check.
 */
export async function eventually(
  check: () => Promise<void> | void,
  timeoutMs = 5_000,
  intervalMs = 10,
  signal?: AbortSignal,
): Promise<number> {
  const started = performance.now();
  let lastError: unknown;
  while (performance.now() - started < timeoutMs) {
    try {
      await check();
      return performance.now() - started;
    } catch (error) {
      lastError = error;
      if (signal?.aborted) break;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
