/** Why a check or download failed, in the kinds the user is told about differently. */
export type UpdateFailure = 'sha512' | 'signature' | 'unreachable' | 'feed' | 'other';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
]);

const FEED_CODES = new Set([
  'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND',
  'ERR_UPDATER_LATEST_VERSION_NOT_FOUND',
  'ERR_UPDATER_INVALID_UPDATE_INFO',
  'ERR_UPDATER_INVALID_VERSION',
  'ERR_UPDATER_NO_FILES_PROVIDED',
  'ERR_UPDATER_NO_CHECKSUM',
  'ERR_UPDATER_ASSET_NOT_FOUND',
]);

/**
 * Sorts an error electron-updater reported by its code (builder-util-runtime's `newError` codes,
 * Node's socket codes, `HTTP_ERROR_<status>`) and, for what has none, Chromium's net error text and
 * Squirrel.Mac's code-signature message.
 */
export function updateFailure(error: unknown): UpdateFailure {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_CHECKSUM_MISMATCH') return 'sha512';
  if (code === 'ERR_UPDATER_INVALID_SIGNATURE' || /code signature|not signed/i.test(message))
    return 'signature';
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'unreachable';
  if (
    /net::ERR_(INTERNET_DISCONNECTED|NAME_NOT_RESOLVED|CONNECTION|NETWORK|TIMED_OUT|ADDRESS_UNREACHABLE)/.test(
      message,
    )
  )
    return 'unreachable';
  if (typeof code === 'string' && /^HTTP_ERROR_5\d\d$/.test(code)) return 'unreachable';
  if (typeof code === 'string' && (FEED_CODES.has(code) || code.startsWith('HTTP_ERROR_')))
    return 'feed';
  return 'other';
}
