import SearchRounded from '@mui/icons-material/SearchRounded';
import Button from '@mui/material/Button';
import InputAdornment from '@mui/material/InputAdornment';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useEffect, useState } from 'react';
import type { RunStatus } from '../../../main/contract/api.js';
import { useApiQuery } from '../api/use-api-query.js';
import { STATUS_LOOK } from '../common/status-chip.js';
import {
  isFiltered,
  NO_FILTER,
  STATUS_CHOICES,
  type HistoryFilter,
  type StatusChoice,
} from './history-filter.js';

/** How long typing pauses before the search runs (Enter runs it at once). */
const SEARCH_PAUSE_MS = 300;

/**
 * History's search and filters: text (script or reason), script, status, dry or real, and a range
 * of days. Every change narrows the list at once; the text waits for a pause in typing.
 */
export function HistoryFilters({
  filter,
  onChange,
}: {
  filter: HistoryFilter;
  onChange: (filter: HistoryFilter) => void;
}) {
  const scripts = useApiQuery('run.scripts', {}).value?.scripts ?? [];
  const [text, setText] = useState(filter.text);
  // A filter set from outside (Clear filters) shows in the box.
  useEffect(() => setText(filter.text), [filter.text]);
  useEffect(() => {
    if (text === filter.text) return undefined;
    const timer = setTimeout(() => onChange({ ...filter, text }), SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text, filter, onChange]);

  const set = <K extends keyof HistoryFilter>(key: K, value: HistoryFilter[K]) =>
    onChange({ ...filter, text, [key]: value });
  // A script no longer among the runs (or not yet loaded) still shows as chosen.
  const scriptOptions =
    filter.scriptId && !scripts.some((s) => s.scriptId === filter.scriptId)
      ? [...scripts, { scriptId: filter.scriptId, title: filter.scriptId }]
      : scripts;

  return (
    <Stack
      role="search"
      aria-label="Search and filter runs"
      direction="row"
      useFlexGap
      sx={{ flexWrap: 'wrap', gap: 1.5, mb: 2, alignItems: 'center' }}
    >
      <TextField
        label="Search"
        placeholder="Script or reason"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') onChange({ ...filter, text });
        }}
        slotProps={{
          htmlInput: { maxLength: 200, 'data-testid': 'history-search' },
          input: {
            startAdornment: (
              <InputAdornment position="start">
                <SearchRounded fontSize="small" />
              </InputAdornment>
            ),
          },
        }}
        sx={{ width: 240 }}
      />
      <TextField
        select
        label="Script"
        value={filter.scriptId}
        onChange={(event) => set('scriptId', event.target.value)}
        slotProps={{
          select: {
            SelectDisplayProps: { 'data-testid': 'history-script' } as object,
            displayEmpty: true,
          },
          inputLabel: { shrink: true },
        }}
        sx={{ minWidth: 200 }}
      >
        <MenuItem value="">Every script</MenuItem>
        {scriptOptions.map((script) => (
          <MenuItem key={script.scriptId} value={script.scriptId}>
            {script.title}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        label="Status"
        value={filter.status}
        onChange={(event) => set('status', event.target.value as StatusChoice)}
        slotProps={{
          select: {
            SelectDisplayProps: { 'data-testid': 'history-status' } as object,
            // The menu says which statuses a choice covers; the field only names the choice.
            renderValue: (choice) => STATUS_CHOICES[choice as StatusChoice].label,
          },
        }}
        sx={{ minWidth: 180 }}
      >
        {(Object.keys(STATUS_CHOICES) as StatusChoice[]).map((choice) => (
          <MenuItem key={choice} value={choice}>
            {STATUS_CHOICES[choice].label}
            {STATUS_CHOICES[choice].statuses
              ? ` (${STATUS_CHOICES[choice].statuses
                  .map((status: RunStatus) => STATUS_LOOK[status].label.toLowerCase())
                  .join(', ')})`
              : ''}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        label="Dry or real"
        value={filter.kind}
        onChange={(event) => set('kind', event.target.value as HistoryFilter['kind'])}
        slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'history-kind' } as object } }}
        sx={{ minWidth: 150 }}
      >
        <MenuItem value="any">Dry and real runs</MenuItem>
        <MenuItem value="dry">Dry runs only</MenuItem>
        <MenuItem value="real">Real runs only</MenuItem>
      </TextField>
      <TextField
        type="date"
        label="From"
        value={filter.from}
        onChange={(event) => set('from', event.target.value)}
        slotProps={{
          inputLabel: { shrink: true },
          htmlInput: { max: filter.to || undefined, 'data-testid': 'history-from' },
        }}
      />
      <TextField
        type="date"
        label="To"
        value={filter.to}
        onChange={(event) => set('to', event.target.value)}
        slotProps={{
          inputLabel: { shrink: true },
          htmlInput: { min: filter.from || undefined, 'data-testid': 'history-to' },
        }}
      />
      {isFiltered({ ...filter, text }) ? (
        <Button onClick={() => onChange(NO_FILTER)}>Clear filters</Button>
      ) : null}
    </Stack>
  );
}
