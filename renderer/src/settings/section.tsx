import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { useId, type ReactNode } from 'react';

/** One titled part of the Settings page, a landmark named by its heading. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  const titleId = useId();
  return (
    <Paper component="section" variant="outlined" aria-labelledby={titleId} sx={{ p: 2.5, mb: 2 }}>
      <Typography variant="h6" component="h2" id={titleId} sx={{ mb: 1 }}>
        {title}
      </Typography>
      {children}
    </Paper>
  );
}
