import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import type { OutputFile } from '../../../../main/contract/api.js';
import { useApiQuery } from '../../api/use-api-query.js';
import { ApiErrorAlert } from '../../common/api-error-alert.js';
import { LoadingState } from '../../common/loading-state.js';
import { imageTypeOf } from './output-kind.js';
import { bytesOfBase64 } from './output-download.js';

/**
 * An image output, shown from the bytes main read and checked against the run's record, as a
 * `data:` URL (the page's CSP allows images only from itself and `data:`), and only as the type
 * its first bytes say: a file named .png that is not a PNG, JPEG, GIF or WebP is not shown.
 */
export function ImagePreview({ runId, file }: { runId: string; file: OutputFile }) {
  const image = useApiQuery('run.readOutput', {
    runId,
    name: file.name,
    encoding: 'base64',
  });
  if (image.error) return <ApiErrorAlert error={image.error} onRetry={image.reload} />;
  if (!image.value) return <LoadingState label="Reading the image…" />;
  const type = imageTypeOf(bytesOfBase64(image.value.text.slice(0, 24)));
  if (!type)
    return (
      <Alert severity="info">
        {file.name} is named like an image but its content is not a PNG, JPEG, GIF or WebP image, so
        it is not shown here.
      </Alert>
    );
  return (
    <Box
      data-testid="output-preview"
      data-kind="image"
      sx={{ textAlign: 'center', bgcolor: 'background.default', p: 1, borderRadius: 1 }}
    >
      <Box
        component="img"
        src={`data:${type};base64,${image.value.text}`}
        alt={`The image ${file.name}`}
        sx={{ maxWidth: '100%', maxHeight: '60vh', objectFit: 'contain' }}
      />
    </Box>
  );
}
