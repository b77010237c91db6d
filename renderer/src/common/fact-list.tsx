import Box from '@mui/material/Box';
import type { SxProps, Theme } from '@mui/material/styles';
import type { ReactNode } from 'react';

/**
 * Label–value facts as a definition list in two columns (used by the status badges' details).
 * `sx` adds to the grid's own layout, e.g. spacing or type size.
 */
export function FactList({
  rows,
  labelSx,
  sx,
  testId,
}: {
  rows: readonly (readonly [string, ReactNode])[];
  labelSx?: SxProps<Theme>;
  sx?: SxProps<Theme>;
  testId?: string;
}) {
  return (
    <Box
      component="dl"
      data-testid={testId}
      sx={[
        { m: 0, display: 'grid', gridTemplateColumns: 'auto 1fr' },
        ...(Array.isArray(sx) ? sx : [sx]),
      ]}
    >
      {rows.map(([label, value]) => (
        <Box key={label} sx={{ display: 'contents' }}>
          <Box
            component="dt"
            sx={[{ fontWeight: 600 }, ...(Array.isArray(labelSx) ? labelSx : [labelSx])]}
          >
            {label}
          </Box>
          <Box component="dd" sx={{ m: 0, overflowWrap: 'anywhere' }}>
            {value}
          </Box>
        </Box>
      ))}
    </Box>
  );
}
