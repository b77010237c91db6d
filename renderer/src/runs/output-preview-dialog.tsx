import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import type { OutputFile } from '../../../main/contract/api.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { formatByteSize } from '../common/format.js';
import { ImagePreview } from './outputs/image-preview.js';
import { outputKindOf } from './outputs/output-kind.js';
import { TextOutputPreview } from './outputs/text-output-preview.js';
import { useOutputActions } from './outputs/use-output-actions.js';

/**
 * One output file: its preview by kind (table, rendered Markdown, image, JSON, text with line
 * numbers) and what can be done with it: Save as, Open and Show in folder (desktop app), Copy path.
 */
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
  return (
    <Dialog
      open={Boolean(file)}
      onClose={onClose}
      fullWidth
      maxWidth="lg"
      aria-labelledby="output-preview-title"
    >
      {file ? (
        <OutputDialogContent runId={runId} file={file} outputDir={outputDir} onClose={onClose} />
      ) : null}
    </Dialog>
  );
}

function OutputDialogContent({
  runId,
  file,
  outputDir,
  onClose,
}: {
  runId: string;
  file: OutputFile;
  outputDir: string;
  onClose: () => void;
}) {
  const actions = useOutputActions(runId, file, outputDir);
  const { desktop, busy } = actions;
  return (
    <>
      <DialogTitle id="output-preview-title">
        {file.name}
        <Box
          component="span"
          sx={{ ml: 1, color: 'text.secondary', fontSize: 14, fontWeight: 400 }}
        >
          {formatByteSize(file.size)}
        </Box>
      </DialogTitle>
      <DialogContent dividers>
        {outputKindOf(file.name) === 'image' ? (
          <ImagePreview runId={runId} file={file} />
        ) : (
          <TextOutputPreview runId={runId} file={file} outputDir={outputDir} />
        )}
        {actions.error ? (
          <Box sx={{ mt: 1.5 }} data-testid="output-action-error">
            <ApiErrorAlert error={actions.error} />
          </Box>
        ) : null}
        <Box role="status" aria-live="polite" data-testid="output-action-notice">
          {actions.notice ? (
            <Alert severity="success" sx={{ mt: 1.5 }}>
              {actions.notice}
            </Alert>
          ) : null}
        </Box>
      </DialogContent>
      <DialogActions sx={{ flexWrap: 'wrap', gap: 1 }}>
        <Button onClick={actions.saveAs} disabled={busy !== null} data-testid="output-save-as">
          {busy === 'save' ? 'Saving…' : desktop ? 'Save as…' : 'Save as (download)'}
        </Button>
        {desktop ? (
          <>
            <Button onClick={actions.open} disabled={busy !== null} data-testid="output-open">
              Open
            </Button>
            <Button onClick={actions.show} disabled={busy !== null} data-testid="output-show">
              Show in folder
            </Button>
          </>
        ) : null}
        <Button onClick={actions.copyPath} data-testid="output-copy-path">
          Copy path
        </Button>
        <Box sx={{ flex: 1 }} />
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </>
  );
}
