import { useCallback, useState } from 'react';
import type { ApiError } from '../../../main/contract/errors.js';
import type { SecretRequest } from './secret-dialog.js';
import { isSecretSet, missingSecrets, type SecretsState } from './use-secrets.js';

interface Prompt {
  /** The secrets to ask for, one after the other. */
  names: string[];
  index: number;
  /** Main's words when a run was refused for lack of them. */
  reason: string | undefined;
  /** What to do once every one of them is saved (start the refused run again). */
  then: (() => void) | undefined;
}

/** Which secret the dialog asks for, and what saving, removing and closing it do. */
export interface SecretPrompt {
  /** What the dialog shows; undefined while it is closed. */
  request: SecretRequest | undefined;
  /** True when the dialog was (last) opened by a refused run: the focus then goes back to Run. */
  forRun: boolean;
  /** The last change, for a live region: "DEMO_API_TOKEN saved." */
  notice: string;
  /** Opens the dialog for one secret (the Set… / Change… buttons). */
  edit: (name: string) => void;
  /** Opens the dialog for the secrets a refused run lacks; `then` runs once all are saved. */
  askForMissing: (message: string, then: () => void) => Promise<void>;
  save: (name: string, value: string) => Promise<ApiError | undefined>;
  remove: (name: string) => Promise<ApiError | undefined>;
  close: () => void;
}

/** Drives the secret dialog: one secret from the Secrets section, or each one a refused run lacks. */
export function useSecretPrompt(secrets: SecretsState, declared: readonly string[]): SecretPrompt {
  const [prompt, setPrompt] = useState<Prompt | undefined>();
  const [notice, setNotice] = useState('');
  // Kept after closing: the focus goes back once the dialog has faded out.
  const [forRun, setForRun] = useState(false);
  const { reload, set, clear, status } = secrets;

  const edit = useCallback((name: string) => {
    setNotice('');
    setForRun(false);
    setPrompt({ names: [name], index: 0, reason: undefined, then: undefined });
  }, []);

  const askForMissing = useCallback(
    async (message: string, then: () => void) => {
      setNotice('');
      const fresh = await reload();
      setForRun(true);
      setPrompt({
        names: missingSecrets(declared, fresh, message),
        index: 0,
        reason: message,
        then,
      });
    },
    [reload, declared],
  );

  const save = useCallback(
    async (name: string, value: string) => {
      const problem = await set(name, value);
      if (problem) return problem;
      setNotice(`${name} saved.`);
      if (prompt && prompt.index + 1 < prompt.names.length) {
        setPrompt({ ...prompt, index: prompt.index + 1 });
      } else {
        setPrompt(undefined);
        prompt?.then?.();
      }
      return undefined;
    },
    [set, prompt],
  );

  const remove = useCallback(
    async (name: string) => {
      const problem = await clear(name);
      if (!problem) setNotice(`${name} removed.`);
      return problem;
    },
    [clear],
  );

  const close = useCallback(() => setPrompt(undefined), []);

  const name = prompt?.names[prompt.index];
  const last = prompt !== undefined && prompt.index + 1 >= prompt.names.length;
  const request: SecretRequest | undefined =
    prompt && name
      ? {
          name,
          isSet: isSecretSet(status, name),
          reason: prompt.reason,
          saveLabel: prompt.then ? (last ? 'Save and run' : 'Save and continue') : 'Save',
        }
      : undefined;

  return {
    request,
    forRun,
    notice,
    edit,
    askForMissing,
    save,
    remove,
    close,
  };
}
