import {
  createHmac,
  createPrivateKey,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';
import { KeychainUnavailable, type SecretStore } from '../secrets/secret-store.js';
import { publicKeyBase64, sealEvent, type SealedEvent, type UnsignedEvent } from './event.js';

/**
 * The keychain entry of a device's signing key. Script secrets are upper-case environment names,
 * so this can never collide with one.
 */
export function deviceKeyName(deviceId: string): string {
  return `scriptdesk.device-key.${deviceId}`;
}

/** Signs this device's audit events; the private key never leaves this object or the keychain. */
export interface DeviceSigner {
  /** The public key as events carry it in `devicekey`. */
  publicKey: string;
  sign(event: Omit<UnsignedEvent, 'devicekey'>): SealedEvent;
  /**
   * HMAC-SHA256 (hex) of `text` under a key derived from the private key: this device can later
   * confirm that given data were these, while nobody without the key can test guesses of it.
   */
  digest(text: string): string;
}

/** Why the journal cannot sign: the keychain is out of reach or holds something unusable. */
export class DeviceKeyUnavailable extends Error {
  override name = 'DeviceKeyUnavailable';
}

/**
 * Reads the device's Ed25519 key from the OS keychain, creating it the first time. The key is
 * stored as base64 PKCS#8 and is never written anywhere else: anyone who can edit the journal's
 * database still cannot sign an event as this device.
 */
export async function loadDeviceSigner(
  secrets: SecretStore,
  deviceId: string,
): Promise<DeviceSigner> {
  const name = deviceKeyName(deviceId);
  let stored: string | null;
  try {
    stored = await secrets.get(name);
  } catch (error) {
    throw unavailable(error);
  }
  let privateKey: KeyObject;
  if (stored) {
    try {
      privateKey = createPrivateKey({
        key: Buffer.from(stored, 'base64'),
        format: 'der',
        type: 'pkcs8',
      });
      if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 key');
    } catch {
      throw new DeviceKeyUnavailable(
        `the keychain entry ${name} is not an Ed25519 key; delete that entry and start ScriptDesk again to make a new one (the endpoint's administrator must then approve the new key)`,
      );
    }
  } else {
    privateKey = generateKeyPairSync('ed25519').privateKey;
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    try {
      await secrets.set(name, der.toString('base64'));
      // Another ScriptDesk process starting at the same moment may have stored its own key;
      // whichever the keychain kept is the device's key, for both.
      const kept = await secrets.get(name);
      if (kept && kept !== der.toString('base64'))
        privateKey = createPrivateKey({
          key: Buffer.from(kept, 'base64'),
          format: 'der',
          type: 'pkcs8',
        });
    } catch (error) {
      throw unavailable(error);
    }
  }
  return signerFor(privateKey);
}

/** A signer over an Ed25519 private key already in memory. */
export function signerFor(privateKey: KeyObject): DeviceSigner {
  const publicKey = publicKeyBase64(privateKey);
  // A separate key for digests, so the signing key itself is only ever used to sign.
  const digestKey = Buffer.from(
    hkdfSync(
      'sha256',
      privateKey.export({ format: 'der', type: 'pkcs8' }),
      'scriptdesk',
      'audit inputs digest v1',
      32,
    ),
  );
  return {
    publicKey,
    sign: (event) => sealEvent({ ...event, devicekey: publicKey }, privateKey),
    digest: (text) => createHmac('sha256', digestKey).update(text).digest('hex'),
  };
}

function unavailable(error: unknown): DeviceKeyUnavailable {
  const reason =
    error instanceof KeychainUnavailable ? error.message : `the keychain failed: ${String(error)}`;
  return new DeviceKeyUnavailable(
    `this computer's audit signing key is kept in the OS keychain, which cannot be used: ${reason}`,
  );
}
