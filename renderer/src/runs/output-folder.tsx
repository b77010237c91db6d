import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ApiError } from '../../../main/contract/errors.js';
import { useTransport } from '../api/transport-context.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { useDesktop } from '../common/desktop-context.js';
import { monospaceFont } from '../theme.js';

/** A run's outputs folder: its path, Copy, and (desktop app) Show in folder, which main opens. */
export function OutputFolder({ runId, outputDir }: { runId: string; outputDir: string }) {
  const transport = useTransport();
  const desktop = useDesktop();
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();

  async function copy() {
    try {
      await navigator.clipboard.writeText(outputDir);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  async function show() {
    setError(undefined);
    const result = await transport.call('run.outputShow', { runId });
    if (!result.ok) setError(result.error);
  }

  return (
    <>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Box
          component="span"
          data-testid="run-output-dir"
          sx={{ fontFamily: monospaceFont, fontSize: 12.5, wordBreak: 'break-all' }}
        >
          {outputDir}
        </Box>
        <Button
          size="small"
          onClick={copy}
          data-testid="output-dir-copy"
          aria-label="Copy the output folder's path"
        >
          Copy
        </Button>
        {desktop ? (
          <Button size="small" onClick={show} data-testid="output-dir-show">
            Show in folder
          </Button>
        ) : null}
        <Typography variant="caption" color="text.secondary" role="status" aria-live="polite">
          {copied ? 'Copied' : ''}
        </Typography>
      </Stack>
      {error ? <ApiErrorAlert error={error} /> : null}
    </>
  );
}
