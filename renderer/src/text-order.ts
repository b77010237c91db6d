let collator: Intl.Collator | undefined;

/**
 * The one collator the window sorts names with (case and accents ignored). One for every
 * comparison: `localeCompare` with options builds a new one per call, which made sorting the demo
 * catalogue's few titles about 9 ms of the first render. Building the first collator in a fresh
 * page loads the locale's collation data: 30–50 ms here, which `warmTextOrder` moves out of the
 * first render.
 */
export function textOrder(): Intl.Collator {
  collator ??= new Intl.Collator(undefined, { sensitivity: 'base' });
  return collator;
}

/**
 * Builds the collator while the entry waits for the network (the window's code and main's first
 * answers are in flight then, the page's thread idle), so the list's first render does not.
 */
export function warmTextOrder(): void {
  setTimeout(() => textOrder().compare('a', 'b'), 0);
}
