/** What `untilQuiet` needs of the page (the benchmark's own code is compiled without the DOM's types). */
interface IdleWindow {
  requestIdleCallback(callback: (deadline: { timeRemaining(): number }) => void): number;
}

/**
 * Runs in a page: resolves once the page has been idle for three idle periods in a row, each with
 * at least 45 ms free (nothing else ran in it), or 2 s after the call: a user reads a page before
 * acting on it. Self-contained, so Playwright can send it to a page as it is, and the form page
 * imports it.
 */
export async function untilQuiet(): Promise<void> {
  const page = globalThis as unknown as IdleWindow;
  const until = performance.now() + 2_000;
  for (let quiet = 0; quiet < 3 && performance.now() < until;) {
    const free = await new Promise<number>((resolve) =>
      page.requestIdleCallback((deadline) => resolve(deadline.timeRemaining())),
    );
    quiet = free >= 45 ? quiet + 1 : 0;
  }
}
