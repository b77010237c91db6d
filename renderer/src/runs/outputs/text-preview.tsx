import Box from '@mui/material/Box';
import { monospaceFont } from '../../theme.js';

/**
 * Text with line numbers. Two `pre` blocks side by side (numbers, then text) rather than a row per
 * line: 256 KB of text can be 10,000 lines, and two text nodes draw at once. The numbers are
 * hidden from screen readers and selection, so copying takes the text alone.
 */
export function TextPreview({
  text,
  label,
  kind = 'text',
}: {
  text: string;
  label: string;
  kind?: 'text' | 'json';
}) {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const count = body === '' ? 1 : body.split('\n').length;
  const numbers = Array.from({ length: count }, (_, i) => i + 1).join('\n');
  const pre = {
    m: 0,
    py: 1.5,
    fontFamily: monospaceFont,
    fontSize: 12.5,
    lineHeight: 1.5,
    whiteSpace: 'pre',
  } as const;
  return (
    <Box
      tabIndex={0}
      role="region"
      aria-label={label}
      sx={{
        display: 'flex',
        alignItems: 'flex-start',
        maxHeight: '60vh',
        overflow: 'auto',
        bgcolor: 'background.default',
        border: 1,
        borderColor: 'divider',
        borderRadius: 1,
      }}
    >
      <Box
        component="pre"
        aria-hidden="true"
        sx={{
          ...pre,
          px: 1,
          color: 'text.secondary',
          textAlign: 'right',
          userSelect: 'none',
          borderRight: 1,
          borderColor: 'divider',
          position: 'sticky',
          left: 0,
          bgcolor: 'background.default',
        }}
      >
        {numbers}
      </Box>
      <Box
        component="pre"
        data-testid="output-preview"
        data-kind={kind}
        sx={{ ...pre, px: 1.5, flex: 1 }}
      >
        {body || '(empty file)'}
      </Box>
    </Box>
  );
}
