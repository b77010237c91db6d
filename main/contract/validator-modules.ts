/**
 * Where a form's precompiled validator module is served on the app's own origin (the Electron
 * `app://` protocol and the loopback web host): named by its hash, so it never changes. Shared by
 * the hosts (what to answer) and the renderer (what to import); no runtime imports.
 */
const VALIDATOR_PATH = /^\/validators\/([0-9a-f]{64})\.js$/;

/** The path of the validator module whose hash is `sha256`. */
export function validatorModulePath(sha256: string): string {
  return `/validators/${sha256}.js`;
}

/** The hash a request path names as a validator module, or null when it names none. */
export function validatorModuleSha256(pathname: string): string | null {
  return VALIDATOR_PATH.exec(pathname)?.[1] ?? null;
}
