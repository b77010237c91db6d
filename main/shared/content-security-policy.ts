/**
 * Allows `new Function` in the renderer. Needed for now because Ajv (react-jsonschema-form's
 * validator) compiles schemas at run time; it goes when the validators are precompiled.
 */
export const AJV_RUNTIME_COMPILATION = "'unsafe-eval'";

/** The policy's directives, in the order they are written out. */
const DIRECTIVES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['default-src', ["'none'"]],
  ['script-src', ["'self'", AJV_RUNTIME_COMPILATION]],
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
