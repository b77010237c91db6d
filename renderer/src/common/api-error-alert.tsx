import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import type { ApiError, ErrorCode } from '../../../main/contract/errors.js';

const TITLES: Record<ErrorCode, string> = {
  bad_request: 'The request was not accepted',
  unknown_method: 'This version of the page does not match ScriptDesk',
  not_found: 'Not found',
  forbidden: 'Not allowed',
  invalid_inputs: 'Some inputs are not valid',
  catalogue_unavailable: 'The script catalogue is not available',
  environment_failed: 'The Python environment could not be prepared',
  journal_unavailable: 'The audit journal is not available',
  storage_unavailable: "This computer's disk cannot be written",
  secret_missing: 'A secret this script needs is not set',
  keychain_unavailable: 'The keychain is not available',
  run_not_active: 'The run is no longer active',
  conflict: 'That name is taken',
  output_changed: 'This file is no longer what the run recorded',
  tampered: "This script's files on this computer were changed",
  unsupported: 'Not supported',
  internal: 'Something went wrong',
};

/** Shows an {@link ApiError} as people should see it: a title for its code and main's message (never raw data). */
export function ApiErrorAlert({
  error,
  title,
  onRetry,
  details,
}: {
  error: ApiError;
  /** A heading that fits where the error happened better than the one for its code. */
  title?: string;
  onRetry?: () => void;
  /** Extra lines shown under the message, e.g. input problems that have no field on screen. */
  details?: string[];
}) {
  return (
    <Alert
      severity="error"
      role="alert"
      action={
        onRetry ? (
          <Button color="inherit" onClick={onRetry} sx={{ whiteSpace: 'nowrap' }}>
            Try again
          </Button>
        ) : undefined
      }
    >
      <AlertTitle>{title ?? TITLES[error.code] ?? TITLES.internal}</AlertTitle>
      {error.message}
      {details?.length ? (
        <ul style={{ margin: '4px 0 0', paddingLeft: 20 }}>
          {details.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : null}
    </Alert>
  );
}
