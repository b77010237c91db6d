import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathExists, writeFileAtomic } from '../shared/files.js';

/** File names `scriptdesk keygen` writes. */
export const PRIVATE_KEY_FILE = 'catalogue-signing.key';
export const PUBLIC_KEY_FILE = 'catalogue-signing.pub';

/** A public key with its id: the first 16 hex digits of the SHA-256 of its DER encoding. */
export interface PublicKeyInfo {
  keyId: string;
  key: KeyObject;
  pem: string;
}

export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** Generates an Ed25519 key pair in `dir`; refuses to overwrite an existing key. */
export async function generateSigningKey(
  dir: string,
): Promise<{ privateKeyFile: string; publicKeyFile: string; keyId: string }> {
  await mkdir(dir, { recursive: true });
  const privateKeyFile = path.join(dir, PRIVATE_KEY_FILE);
  const publicKeyFile = path.join(dir, PUBLIC_KEY_FILE);
  for (const file of [privateKeyFile, publicKeyFile]) {
    if (await pathExists(file))
      throw new Error(
        `${file} already exists; keygen never overwrites a key (choose another --out)`,
      );
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  await writeFileAtomic(
    privateKeyFile,
    privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    0o600,
  );
  await writeFileAtomic(
    publicKeyFile,
    publicKey.export({ type: 'spki', format: 'pem' }) as string,
    0o644,
  );
  return { privateKeyFile, publicKeyFile, keyId: keyIdOf(publicKey) };
}

/** Reads an Ed25519 private key (PKCS#8 PEM). */
export async function loadPrivateKey(file: string): Promise<{ key: KeyObject; keyId: string }> {
  let key: KeyObject;
  try {
    key = createPrivateKey(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `${file}: not a readable private key (${(error as Error).message}); create one with "scriptdesk keygen --out DIR"`,
      { cause: error },
    );
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`${file}: the key must be Ed25519, not ${key.asymmetricKeyType}`);
  return { key, keyId: keyIdOf(createPublicKey(key)) };
}

/** Parses an Ed25519 public key (SPKI PEM). */
export function parsePublicKey(pem: string, where: string): PublicKeyInfo {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new Error(
      `${where}: not a public key in PEM form (${(error as Error).message}); use the .pub file from "scriptdesk keygen"`,
      { cause: error },
    );
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`${where}: the key must be Ed25519, not ${key.asymmetricKeyType}`);
  return { keyId: keyIdOf(key), key, pem: key.export({ type: 'spki', format: 'pem' }) as string };
}

export async function loadPublicKey(file: string): Promise<PublicKeyInfo> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(
      `${file}: cannot read the public key (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      { cause: error },
    );
  }
  return parsePublicKey(pem, file);
}

export function signBytes(bytes: Uint8Array, key: KeyObject): string {
  return sign(null, bytes, key).toString('base64');
}

export function verifyBytes(bytes: Uint8Array, signature: string, key: KeyObject): boolean {
  return verify(null, bytes, key, Buffer.from(signature, 'base64'));
}
