import { AUDIT_TYPES, type AuditJournal } from '../audit/journal.js';
import type { SyncListener } from '../catalogue/catalogue-service.js';

/**
 * Journals every sync that installed a catalogue and every refused one. A refusal identical to the
 * one just journaled (same source, same reason — a timer retrying while offline) is not repeated.
 */
export function journalSyncs(journal: AuditJournal): SyncListener {
  let lastRefusal: string | null = null;
  return (outcome) => {
    if (outcome.ok) {
      lastRefusal = null;
      if (outcome.result.kind === 'unchanged') return;
      const { document, previousVersion, blobsFetched, keyId } = outcome.result;
      journal.append(AUDIT_TYPES.catalogueSynced, `catalogue@${document.version}`, {
        from: outcome.location,
        version: document.version,
        previousVersion,
        keyId,
        blobsFetched,
        expires: document.expires,
      });
    } else {
      const key = `${outcome.location}\n${outcome.error.reason}`;
      if (key === lastRefusal) return;
      lastRefusal = key;
      journal.append(AUDIT_TYPES.catalogueRejected, 'catalogue', {
        from: outcome.location,
        reason: outcome.error.reason,
        message: outcome.error.message,
      });
    }
  };
}
