import {
  Box,
  Button,
  Paper,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
} from '@mui/material';
import { useState, type ReactNode } from 'react';
import { getJson } from './api';
import { Page, useLoad, type Loaded } from './common';

/** One column: its heading and what each row shows in it. */
export interface Column<Row> {
  label: string;
  cell: (row: Row) => ReactNode;
  /** Long text (errors, keys) may break anywhere rather than widen the table. */
  wrap?: boolean;
}

/** A server-side keyset pager: the cursors of the pages opened so far, newest first. */
export interface Pager {
  after: string | undefined;
  /** Back to the first page (after a new filter). */
  reset: () => void;
  newer: (() => void) | undefined;
  older: (next: string | null) => (() => void) | undefined;
}

/** The cursor stack of a paged table: `after` is the cursor of the page shown. */
export function usePager(): Pager {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    after: cursors[cursors.length - 1],
    reset: () => setCursors([]),
    newer: cursors.length === 0 ? undefined : () => setCursors((c) => c.slice(0, -1)),
    older: (next) => (next ? () => setCursors((c) => [...c, next]) : undefined),
  };
}

/**
 * A server-paged list: `route` loaded with `query` and the shown page's cursor, again whenever
 * either changes; the pager walks the cursors.
 */
export function usePagedLoad<T>(
  route: string,
  query: Record<string, string | undefined>,
): { page: Loaded<T>; pager: Pager } {
  const pager = usePager();
  const { after } = pager;
  const page = useLoad(
    () => getJson<T>(route, { ...query, after }),
    JSON.stringify([route, query, after]),
  );
  return { page, pager };
}

/**
 * The console's table page: the heading, loading and error states (from {@link Page}), what
 * goes above the table (filters, notices), the table or its empty sentence, and the Newer/Older
 * pager when the list is paged on the server. Runs, Devices, Admin log and Alerts use it.
 */
export function TablePage<T, Row>({
  title,
  loaded,
  actions,
  above,
  below,
  rowsOf,
  nextOf,
  pager,
  columns,
  rowKey,
  rowProps,
  empty,
  label,
  testId,
}: {
  title: string;
  loaded: Loaded<T>;
  actions?: ReactNode;
  above?: ReactNode;
  below?: ReactNode;
  rowsOf: (value: T) => Row[];
  /** The `next` cursor of the page; with `pager`, Newer and Older buttons appear. */
  nextOf?: (value: T) => string | null;
  pager?: Pager;
  columns: Column<Row>[];
  rowKey: (row: Row) => string;
  rowProps?: (row: Row) => Record<string, string>;
  empty: string;
  /** The table's accessible name. */
  label: string;
  testId?: string;
}) {
  const value = loaded.value;
  const rows = value === undefined ? [] : rowsOf(value);
  const older = value !== undefined && nextOf && pager ? pager.older(nextOf(value)) : undefined;
  return (
    <Page title={title} loaded={loaded} actions={actions}>
      {above}
      {value !== undefined && (
        <>
          <TableContainer component={Paper}>
            <Table size="small" aria-label={label} data-testid={testId} data-rows={rows.length}>
              <TableHead>
                <TableRow>
                  {columns.map((column) => (
                    <TableCell key={column.label}>{column.label}</TableCell>
                  ))}
                </TableRow>
              </TableHead>
              <TableBody>
                {rows.length === 0 && (
                  <TableRow>
                    <TableCell colSpan={columns.length}>{empty}</TableCell>
                  </TableRow>
                )}
                {rows.map((row) => (
                  <TableRow key={rowKey(row)} {...rowProps?.(row)}>
                    {columns.map((column) => (
                      <TableCell
                        key={column.label}
                        sx={column.wrap ? { wordBreak: 'break-word' } : undefined}
                      >
                        {column.cell(row)}
                      </TableCell>
                    ))}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
          {pager && (
            <Box sx={{ display: 'flex', gap: 1, mt: 2 }}>
              <Button disabled={!pager.newer} onClick={pager.newer} data-testid="newer-page">
                Newer
              </Button>
              <Button disabled={!older} onClick={older} data-testid="older-page">
                Older
              </Button>
            </Box>
          )}
        </>
      )}
      {below}
    </Page>
  );
}
