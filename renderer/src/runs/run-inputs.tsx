import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { Fragment } from 'react';
import { REDACTED } from '../../../forms/redaction.js';
import { formatTypedText } from '../common/format.js';
import { monospaceFont } from '../theme.js';

/**
 * A recorded value in words: text as typed (in quotes when it is empty or starts or ends with
 * spaces, which would not show otherwise), a sensitive value as what it is, the rest as JSON.
 */
function shown(value: unknown): string {
  if (value === REDACTED) return 'hidden (sensitive, never recorded)';
  if (typeof value === 'string') return formatTypedText(value);
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner === REDACTED ? '(hidden: sensitive)' : inner,
  );
}

/** The inputs a run was given, as the audit journal holds them (sensitive values redacted). */
export function RunInputs({ inputs }: { inputs: Record<string, unknown> }) {
  const entries = Object.entries(inputs);
  return (
    <Box>
      <Typography variant="subtitle2" component="h2" sx={{ mb: 0.5 }}>
        Inputs
      </Typography>
      {entries.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          None: the form was left empty.
        </Typography>
      ) : (
        <Box
          component="dl"
          data-testid="run-inputs"
          sx={{
            display: 'grid',
            gridTemplateColumns: 'max-content 1fr',
            columnGap: 2,
            rowGap: 0.5,
            m: 0,
          }}
        >
          {entries.map(([key, value]) => (
            <Fragment key={key}>
              <Typography component="dt" variant="body2" color="text.secondary">
                {key}
              </Typography>
              <Typography
                component="dd"
                variant="body2"
                sx={{
                  m: 0,
                  wordBreak: 'break-all',
                  ...(value === REDACTED
                    ? { fontStyle: 'italic', color: 'text.secondary' }
                    : { fontFamily: monospaceFont, fontSize: 12.5 }),
                }}
              >
                {shown(value)}
              </Typography>
            </Fragment>
          ))}
        </Box>
      )}
    </Box>
  );
}
