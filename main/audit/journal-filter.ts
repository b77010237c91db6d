/** Which events `AuditJournal.list` and `AuditJournal.bodies` return. */
export interface JournalFilter {
  type?: string | undefined;
  /** The script id (the subject's part before `@`). */
  scriptId?: string | undefined;
  /** `data.status` (run.finished and run.interrupted carry one). */
  status?: string | undefined;
  /** ISO times, inclusive. */
  since?: string | undefined;
  until?: string | undefined;
}

/** The `WHERE` clause and its parameters for a filter; `first` is a clause to put before it. */
export function whereOf(
  filter: JournalFilter,
  first?: string,
): { where: string; params: (string | number)[] } {
  const clauses: string[] = first ? [first] : [];
  const params: (string | number)[] = [];
  if (filter.type) {
    clauses.push('type = ?');
    params.push(filter.type);
  }
  if (filter.scriptId) {
    clauses.push("(subject = ? OR subject LIKE ? ESCAPE '\\')");
    params.push(filter.scriptId, `${filter.scriptId.replace(/[\\%_]/g, '\\$&')}@%`);
  }
  if (filter.status) {
    clauses.push("json_extract(body, '$.data.status') = ?");
    params.push(filter.status);
  }
  if (filter.since) {
    clauses.push('time >= ?');
    params.push(filter.since);
  }
  if (filter.until) {
    clauses.push('time <= ?');
    params.push(filter.until);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
