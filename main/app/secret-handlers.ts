import { AUDIT_TYPES, type AuditJournal } from '../audit/journal.js';
import type { CatalogueService } from '../catalogue/catalogue-service.js';
import type { ScriptManifest } from '../catalogue/manifest.js';
import type { SecretsStatus } from '../contract/api.js';
import type { Handlers } from '../contract/dispatcher.js';
import { ApiFailure } from '../contract/errors.js';
import type { Identity } from '../identity/identity.js';
import { KeychainUnavailable, type SecretStore } from '../secrets/secret-store.js';

export interface SecretHandlerDeps {
  catalogue: CatalogueService;
  secrets: SecretStore;
  journal: AuditJournal;
  identity: Identity;
}

type SecretMethods = 'secrets.status' | 'secrets.set' | 'secrets.clear';

/**
 * `secrets.*`: which of a script's declared secrets are in the keychain, and setting or clearing
 * one. Only for scripts the user may see and only for names the script declares; values go
 * straight to the keychain and never into a result, an error or the journal.
 */
export function createSecretHandlers(deps: SecretHandlerDeps): Pick<Handlers, SecretMethods> {
  const { catalogue, secrets, journal, identity } = deps;

  const manifestOf = async (scriptId: string) =>
    (await catalogue.resolve(scriptId, identity.user)).manifest;

  const status = async (manifest: ScriptManifest): Promise<SecretsStatus> => {
    try {
      const found = [];
      // One at a time: a keychain that asks the user for access should ask once, not in a burst.
      for (const name of manifest.secrets)
        found.push({ name, set: (await secrets.get(name)) !== null });
      return { secrets: found, keychain: { available: true, message: null } };
    } catch (error) {
      if (!(error instanceof KeychainUnavailable)) throw error;
      return {
        secrets: manifest.secrets.map((name) => ({ name, set: false })),
        keychain: { available: false, message: error.message },
      };
    }
  };

  /** Runs a keychain change, turning an unreachable keychain into the API's error code. */
  const change = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof KeychainUnavailable)
        throw new ApiFailure('keychain_unavailable', error.message);
      throw error;
    }
  };

  const journalChange = (type: string, manifest: ScriptManifest, name: string) =>
    journal.append(type, `${manifest.id}@${manifest.version}`, { name, scriptId: manifest.id });

  return {
    'secrets.status': async ({ scriptId }) => status(await manifestOf(scriptId)),
    'secrets.set': async ({ scriptId, name, value }) => {
      const manifest = await manifestOf(scriptId);
      requireDeclared(manifest, name);
      if (value.includes('\0'))
        throw new ApiFailure(
          'bad_request',
          `The value for ${name} contains a NUL character, which an environment variable cannot hold.`,
        );
      await change(() => secrets.set(name, value));
      journalChange(AUDIT_TYPES.secretSet, manifest, name);
      return status(manifest);
    },
    'secrets.clear': async ({ scriptId, name }) => {
      const manifest = await manifestOf(scriptId);
      requireDeclared(manifest, name);
      // Clearing what was not set changed nothing, so there is nothing to record.
      if (await change(() => secrets.delete(name)))
        journalChange(AUDIT_TYPES.secretCleared, manifest, name);
      return status(manifest);
    },
  };
}

/** Refuses a name the script does not declare: it could only be a mistake or a probe. */
function requireDeclared(manifest: ScriptManifest, name: string): void {
  if (!manifest.secrets.includes(name))
    throw new ApiFailure('bad_request', undeclaredSecret(manifest.id, manifest.secrets, name));
}

/** Why `name` is refused for a script that declares `declared` (shared with the CLI). */
export function undeclaredSecret(scriptId: string, declared: readonly string[], name: string) {
  return declared.length === 0
    ? `Script "${scriptId}" declares no secrets, so it has no secret named ${name} to store.`
    : `Script "${scriptId}" declares no secret named ${name}; it declares ${declared.join(', ')}.`;
}
