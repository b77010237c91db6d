import { formatTime } from './common';
import { TablePage, usePagedLoad } from './table-page';
import type { AdminLogEntry } from './types';

type AdminLog = { entries: AdminLogEntry[]; next: string | null };

/** Every approve and revoke, from the console or the admin API, newest first. */
export function AdminLogPage() {
  const { page: log, pager } = usePagedLoad<AdminLog>('admin-log', {});
  return (
    <TablePage
      title="Admin log"
      loaded={log}
      rowsOf={(value) => value.entries}
      nextOf={(value) => value.next}
      pager={pager}
      label="Admin log"
      testId="admin-log-table"
      empty="No device has been approved or revoked yet."
      rowKey={(entry) => String(entry.id)}
      rowProps={(entry) => ({ 'data-testid': `admin-log-${entry.id}` })}
      columns={[
        { label: 'When', cell: (entry) => formatTime(entry.at) },
        { label: 'Who', cell: (entry) => entry.actor },
        { label: 'Action', cell: (entry) => entry.action },
        { label: 'Device', cell: (entry) => entry.source },
        { label: 'Outcome', cell: (entry) => entry.outcome, wrap: true },
      ]}
    />
  );
}
