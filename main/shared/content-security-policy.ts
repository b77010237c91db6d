/**
 * The policy's directives, in the order they are written out. Scripts come only from the app's
 * own origin, never inline and never through `eval`/`new Function`: form validators are compiled
 * at `catalogue build` and loaded as modules of the same origin (`/validators/<sha256>.js`).
 */
const DIRECTIVES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['default-src', ["'none'"]],
  ['script-src', ["'self'"]],
  // Emotion (MUI's styling engine) injects <style> elements at run time.
  ['style-src', ["'self'", "'unsafe-inline'"]],
  ['img-src', ["'self'", 'data:']],
  ['font-src', ["'self'"]],
  ['connect-src', ["'self'"]],
  ['base-uri', ["'none'"]],
  ['form-action', ["'none'"]],
  ['frame-ancestors', ["'none'"]],
];

/**
 * The Content-Security-Policy for every page of the app, as one header value. Shared by the
 * Electron shell (`app://` responses) and the loopback web host, so both serve the same policy.
 */
export function contentSecurityPolicy(): string {
  return DIRECTIVES.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}
