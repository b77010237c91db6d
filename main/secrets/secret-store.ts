/**
 * Where script secrets live: the OS keychain in the app (keytar), one entry per secret name.
 * Values are read only at run time, straight into the child's environment, and never written to
 * disk, logs, audit records or error messages.
 */
export interface SecretStore {
  /** The value, or null when it is not set. Throws {@link KeychainUnavailable} when the keychain cannot be reached. */
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  /** True when something was removed. */
  delete(name: string): Promise<boolean>;
}

/** The keychain did not answer; the message says why and what to do, and never holds a value. */
export class KeychainUnavailable extends Error {
  override name = 'KeychainUnavailable';
}
