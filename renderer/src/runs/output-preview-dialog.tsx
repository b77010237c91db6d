import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import type { OutputFile } from '../../../main/contract/api.js';
import { useApiQuery } from '../api/use-api-query.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { formatByteSize } from '../common/format.js';
import { LoadingState } from '../common/loading-state.js';
import { monospaceFont } from '../theme.js';

/** True when decoded text is clearly not meant to be read (NUL bytes or many undecodable characters). */
export function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const sample = text.slice(0, 4096);
  const replaced = sample.split('\uFFFD').length - 1;
  return sample.length > 0 && replaced / sample.length > 0.02;
}

/** Shows the text of one output file (read through `run.readOutput`). */
export function OutputPreviewDialog({
  runId,
  file,
  outputDir,
  onClose,
}: {
  runId: string;
  file: OutputFile | undefined;
  outputDir: string;
  onClose: () => void;
}) {
  const preview = useApiQuery('run.readOutput', file ? { runId, name: file.name } : null);
  const value = preview.value;

  return (
    <Dialog
      open={Boolean(file)}
      onClose={onClose}
      maxWidth="md"
      aria-labelledby="output-preview-title"
    >
      <DialogTitle id="output-preview-title">
        {file?.name}
        {file ? (
          <Box
            component="span"
            sx={{ ml: 1, color: 'text.secondary', fontSize: 14, fontWeight: 400 }}
          >
            {formatByteSize(file.size)}
          </Box>
        ) : null}
      </DialogTitle>
      <DialogContent dividers>
        {preview.error ? (
          <ApiErrorAlert error={preview.error} onRetry={preview.reload} />
        ) : !value ? (
          <LoadingState label="Reading the file…" />
        ) : looksBinary(value.text) ? (
          <Alert severity="info">
            This file is not plain text, so it cannot be shown here. You find it in{' '}
            <Box component="span" sx={{ fontFamily: monospaceFont }}>
              {outputDir}
            </Box>
            .
          </Alert>
        ) : (
          <>
            {value.truncated ? (
              <Alert severity="info" sx={{ mb: 1.5 }} data-testid="preview-truncated">
                The file is truncated here: only its beginning is shown. The whole file is in{' '}
                <Box component="span" sx={{ fontFamily: monospaceFont }}>
                  {outputDir}
                </Box>
                .
              </Alert>
            ) : null}
            <Box
              component="pre"
              tabIndex={0}
              aria-label={`Contents of ${value.name}`}
              data-testid="output-preview"
              sx={{
                m: 0,
                p: 1.5,
                bgcolor: 'background.default',
                border: 1,
                borderColor: 'divider',
                borderRadius: 1,
                fontFamily: monospaceFont,
                fontSize: 12.5,
                lineHeight: 1.5,
                maxHeight: '60vh',
                overflow: 'auto',
                whiteSpace: 'pre',
              }}
            >
              {value.text || '(empty file)'}
            </Box>
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
