/** Polls until an assertion passes or a bounded time runs out; returns how long it took. */
export async function eventually(
  check: () => Promise<void> | void,
  timeoutMs = 5_000,
  intervalMs = 10,
): Promise<number> {
  const started = performance.now();
  let lastError: unknown;
  while (performance.now() - started < timeoutMs) {
    try {
      await check();
      return performance.now() - started;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
