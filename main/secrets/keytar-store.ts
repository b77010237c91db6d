import { createRequire } from 'node:module';
import { KEYCHAIN_SERVICE, keychainAdvice } from '../platform/folders.js';
import { HOST_OS, type OsName } from '../platform/os.js';
import { KeychainUnavailable, type SecretStore } from './secret-store.js';

/** The keychain service every ScriptDesk secret is filed under; the account is the secret's name. */
export { KEYCHAIN_SERVICE };

/** The part of keytar this store uses. */
interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export interface KeytarSecretStoreOptions {
  /** The keychain service name (default {@link KEYCHAIN_SERVICE}). */
  service?: string;
  /** Whose advice the failure messages give (default: this machine's). */
  os?: OsName;
}

/** keytar is CommonJS with a native part: required on first use, not imported at start. */
const requireLazily = createRequire(import.meta.url);

/**
 * Script secrets in the OS keychain through keytar: macOS Keychain, Windows Credential Manager,
 * or the Secret Service (gnome-keyring, KWallet) on Linux. keytar is loaded on first use, so a
 * machine without libsecret or D-Bus still starts the app; every keychain failure — module not
 * loadable, no session bus, no provider, locked collection — becomes {@link KeychainUnavailable}.
 */
export class KeytarSecretStore implements SecretStore {
  private readonly service: string;
  private readonly os: OsName;

  constructor(options: KeytarSecretStoreOptions = {}) {
    this.service = options.service ?? KEYCHAIN_SERVICE;
    this.os = options.os ?? HOST_OS;
  }

  get(name: string): Promise<string | null> {
    return this.call((keytar) => keytar.getPassword(this.service, name));
  }

  async set(name: string, value: string): Promise<void> {
    // An empty value would read back as "set" yet give the script nothing.
    if (value === '') throw new RangeError(`The value of secret ${name} is empty.`);
    await this.call((keytar) => keytar.setPassword(this.service, name, value), value);
  }

  delete(name: string): Promise<boolean> {
    return this.call((keytar) => keytar.deletePassword(this.service, name));
  }

  /** Runs one keychain operation; `value` (when there is one) is kept out of the error message. */
  private async call<T>(operation: (keytar: Keytar) => Promise<T>, value?: string): Promise<T> {
    let keytar: Keytar;
    try {
      keytar = requireLazily('keytar') as Keytar;
    } catch (error) {
      throw this.unavailable(`its module could not be loaded: ${reasonOf(error)}`, value);
    }
    try {
      return await operation(keytar);
    } catch (error) {
      throw this.unavailable(reasonOf(error), value);
    }
  }

  private unavailable(reason: string, value: string | undefined): KeychainUnavailable {
    // The OS's reason helps whoever fixes the machine, but never at the price of showing a value.
    const shown = reason !== '' && (value === undefined || !reason.includes(value));
    return new KeychainUnavailable(
      `The OS keychain could not be reached${shown ? ` (${reason})` : ''}. ${keychainAdvice(this.os)}`,
    );
  }
}

/** The first line of an error's message, capped: libsecret's reasons are one short line. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').trim().slice(0, 300);
}
