import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import type { ReactNode } from 'react';
import type { OutputFile } from '../../../../main/contract/api.js';
import { useApiQuery } from '../../api/use-api-query.js';
import { ApiErrorAlert } from '../../common/api-error-alert.js';
import { LoadingState } from '../../common/loading-state.js';
import { monospaceFont } from '../../theme.js';
import { MarkdownPreview } from './markdown-preview.js';
import { outputKindOf, parseTable, prettyJson, sniffTextKind } from './output-kind.js';
import { TablePreview } from './table-preview.js';
import { TextPreview } from './text-preview.js';

/** True when decoded text is clearly not meant to be read (NUL bytes or many undecodable characters). */
export function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const sample = text.slice(0, 4096);
  const replaced = sample.split('\uFFFD').length - 1;
  return sample.length > 0 && replaced / sample.length > 0.02;
}

function Folder({ path }: { path: string }) {
  return (
    <Box component="span" sx={{ fontFamily: monospaceFont }}>
      {path}
    </Box>
  );
}

/**
 * A text output (read through `run.readOutput`, at most its first 256 KB) shown by kind: CSV/TSV
 * as a table, Markdown rendered, JSON pretty-printed, anything else as text with line numbers.
 */
export function TextOutputPreview({
  runId,
  file,
  outputDir,
}: {
  runId: string;
  file: OutputFile;
  outputDir: string;
}) {
  const preview = useApiQuery('run.readOutput', { runId, name: file.name });
  const value = preview.value;
  if (preview.error) return <ApiErrorAlert error={preview.error} onRetry={preview.reload} />;
  if (!value) return <LoadingState label="Reading the file…" />;
  if (looksBinary(value.text))
    return (
      <Alert severity="info">
        This file is not plain text, so it cannot be shown here. You find it in{' '}
        <Folder path={outputDir} />.
      </Alert>
    );
  const label = `Contents of ${value.name}`;
  const kind = outputKindOf(file.name);
  if (kind === 'table')
    return (
      <TablePreview table={parseTable(file.name, value.text, value.truncated)} label={label} />
    );

  let note: ReactNode = value.truncated ? (
    <>
      The file is truncated here: only its beginning is shown. The whole file is in{' '}
      <Folder path={outputDir} />.
    </>
  ) : null;
  let body: ReactNode;
  const json = kind === 'json' || sniffTextKind(file.name, value.text) === 'json';
  if (kind === 'markdown') body = <MarkdownPreview text={value.text} label={label} />;
  else if (json && !value.truncated) {
    const pretty = prettyJson(value.text);
    if ('text' in pretty) body = <TextPreview text={pretty.text} label={label} kind="json" />;
    else {
      note = `This is not valid JSON (${pretty.problem}), so it is shown as text.`;
      body = <TextPreview text={value.text} label={label} />;
    }
  } else body = <TextPreview text={value.text} label={label} />;
  return (
    <>
      {note ? (
        <Alert severity="info" sx={{ mb: 1.5 }} data-testid="preview-truncated">
          {note}
        </Alert>
      ) : null}
      {body}
    </>
  );
}
