import type { FlagKind } from '../../audit/protocol.js';

/** The sort key of the event list: unique, and the same order in both stores (bytewise text). */
export interface EventKey {
  /** The event's time in UTC, `YYYY-MM-DDTHH:mm:ss.sssZ`, so text order is time order. */
  time: string;
  source: string;
  sequence: number;
  id: string;
}

/** A row to append to the events table, built from a validly signed event. */
export interface EventRow extends EventKey {
  type: string;
  subject: string;
  /** `data.user`, `data.scriptId`, `data.status` when they are strings: queryable columns. */
  user: string | null;
  script: string | null;
  status: string | null;
  body: string;
  /** `eventHash` of the event: what the device's next event names as `prevhash`. */
  hash: string;
}

/** A flag about to be recorded; `fingerprint` makes recording the same flag twice a no-op. */
export interface FlagDraft {
  source: string | null;
  sequence: number | null;
  eventId: string | null;
  kind: FlagKind;
  message: string;
  body: string | null;
  fingerprint: string;
}
