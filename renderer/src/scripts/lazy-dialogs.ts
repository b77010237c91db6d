import { lazyDialog } from '../common/lazy-part.js';

/** The run confirmation, fetched the first time a real run asks for it. */
export const ConfirmRunDialog = lazyDialog(
  'the run confirmation',
  () => import('./confirm-run-dialog.js').then((module) => module.ConfirmRunDialog),
  (props) => props.open,
);

/** The secret dialog, fetched the first time a secret is asked for. */
export const SecretDialog = lazyDialog(
  'the secret dialog',
  () => import('../secrets/secret-dialog.js').then((module) => module.SecretDialog),
  (props) => props.request !== undefined,
);
