import type { CatalogueSyncStatus, RejectionReason } from '../../../main/contract/api.js';
import { formatDateTime, formatTimeAgo, formatTimeUntil } from '../common/format.js';

/** Within this long of its expiry, the window mentions that the catalogue will need renewing. */
export const EXPIRY_HEADS_UP_MS = 3 * 24 * 60 * 60 * 1000;

/** What the banner under the top bar says: what happened, what still works, what to do. */
export interface CatalogueNotice {
  severity: 'error' | 'warning' | 'info';
  /** Why this notice is shown, for tests and styling: one word per situation. */
  kind: 'unusable' | 'expired' | 'refused' | 'offline' | 'expiring';
  message: string;
  /** A second, quieter line: the exact reason main gave, for whoever is asked for help. */
  detail?: string;
  /** True when pressing Sync now could help (a source is configured). */
  offerSync: boolean;
}

/** Why main refused a catalogue, said so that someone who is not technical can follow it (every reason: the compiler checks). */
const REFUSAL_REASONS: Record<RejectionReason, string> = {
  bad_signature:
    'its signature does not match its content, so it may have been changed after it was published',
  unknown_key: 'it is signed with a key this computer does not trust',
  malformed: 'it is damaged or incomplete',
  wrong_type: 'what was offered is not a script catalogue',
  wrong_audience: 'it was published for a different group of computers',
  app_too_old: 'it needs a newer version of ScriptDesk; ask for ScriptDesk to be updated',
  rollback: 'it is older than the one you already have',
  same_version_other_bytes: 'it has the same version number as yours but different content',
  expired: 'it has already expired',
  unsafe_path: 'it lists files in places a catalogue may not use',
  bad_blob: 'one of its files does not match what was signed',
  too_large: 'one of its files is larger than allowed',
  unreachable: 'the catalogue server could not be reached',
};

/** The plain-language reason for a refusal code (a general one for codes not known here). */
export function plainRefusal(reason: string): string {
  return Object.prototype.hasOwnProperty.call(REFUSAL_REASONS, reason)
    ? REFUSAL_REASONS[reason as RejectionReason]
    : "it did not pass ScriptDesk's safety checks";
}

/** A source as people recognise it: the server's name for a URL, the folder as it is otherwise. */
export function describeSource(source: string): string {
  if (!/^https?:\/\//i.test(source)) return source;
  try {
    return new URL(source).host;
  } catch {
    return source;
  }
}

/** The exact words main used, kept for whoever helps (the reason code lets them look it up). */
function technicalDetail(error: { reason: string; message: string }): string {
  return `Details for your administrator: ${error.message} (${error.reason}).`;
}

function expiredNotice(status: CatalogueSyncStatus, expires: string, now: number): CatalogueNotice {
  const canSync = status.source !== null;
  const todo = canSync
    ? "Connect to your organisation's network and press Sync now, or ask your administrator to publish a new catalogue."
    : 'Ask your administrator to publish a new catalogue.';
  const last = status.lastError;
  let detail: string | undefined;
  if (last?.reason === 'unreachable')
    detail = `The catalogue server could not be reached (last tried ${formatTimeAgo(last.at, now)}).`;
  else if (last?.reason === 'expired')
    detail = `The server has nothing newer yet (checked ${formatTimeAgo(last.at, now)}), so your administrator needs to publish a new catalogue.`;
  else if (last) detail = `The last catalogue offered was refused: ${plainRefusal(last.reason)}.`;
  return {
    severity: 'error',
    kind: 'expired',
    message: `Runs are blocked: the catalogue expired on ${formatDateTime(expires)}. ${todo} You can still look through the scripts and their forms.`,
    ...(detail ? { detail } : {}),
    offerSync: canSync,
  };
}

/**
 * The banner for `status` at time `now` (ms), or null when all is well. Expiry is main's verdict
 * (`status.expired`); `now` only words relative times and the early heads-up before expiry.
 */
export function catalogueNotice(status: CatalogueSyncStatus, now: number): CatalogueNotice | null {
  const canSync = status.source !== null;
  const installed = status.installed;
  const last = status.lastError;

  if (status.unusable !== null) {
    return {
      severity: 'error',
      kind: 'unusable',
      message: canSync
        ? 'The catalogue on this computer cannot be used, so scripts cannot be shown or run. Press Sync now to fetch a fresh copy; if that does not help, ask your administrator.'
        : 'The catalogue on this computer cannot be used, so scripts cannot be shown or run. Ask your administrator for help.',
      detail: `Details for your administrator: ${status.unusable}`,
      offerSync: canSync,
    };
  }

  if (installed && status.expired) return expiredNotice(status, installed.expires, now);

  if (last?.reason === 'unreachable') {
    const tried = `Could not reach the catalogue server (last tried ${formatTimeAgo(last.at, now)}).`;
    return {
      severity: 'info',
      kind: 'offline',
      message: installed
        ? `${tried} Working offline from version ${installed.version}, valid until ${formatDateTime(installed.expires)}.`
        : `${tried} No catalogue has been installed yet, so there are no scripts to run; press Sync now once you are connected.`,
      detail: technicalDetail(last),
      offerSync: canSync,
    };
  }

  if (last) {
    const from = status.source ? ` from ${describeSource(status.source)}` : '';
    return {
      severity: 'warning',
      kind: 'refused',
      message: installed
        ? `The newest catalogue${from} was refused: ${plainRefusal(last.reason)}. You are still using version ${installed.version}; your scripts work as before. If this keeps happening, tell your administrator.`
        : `The catalogue${from} was refused: ${plainRefusal(last.reason)}. No catalogue is installed yet, so there are no scripts to run. Tell your administrator.`,
      detail: technicalDetail(last),
      offerSync: false,
    };
  }

  if (installed) {
    const left = Date.parse(installed.expires) - now;
    if (left > 0 && left <= EXPIRY_HEADS_UP_MS) {
      return {
        severity: 'info',
        kind: 'expiring',
        message: canSync
          ? `The catalogue expires ${formatTimeUntil(installed.expires, now)}; it will renew the next time you are online.`
          : `The catalogue expires ${formatTimeUntil(installed.expires, now)}; ask your administrator for a new one before then.`,
        offerSync: false,
      };
    }
  }
  return null;
}
