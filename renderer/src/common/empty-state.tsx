import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';

/** A quiet placeholder for places with nothing to show yet, saying why and what to do (its title is an `h2`, under the page's `h1`). */
export function EmptyState({
  icon,
  title,
  children,
}: {
  icon?: ReactNode;
  title: string;
  children?: ReactNode;
}) {
  return (
    <Box
      sx={{ textAlign: 'center', py: 6, px: 3, color: 'text.secondary', maxWidth: 520, mx: 'auto' }}
    >
      {icon ? (
        <Box sx={{ mb: 1, '& svg': { fontSize: 40, color: 'text.disabled' } }}>{icon}</Box>
      ) : null}
      <Typography variant="subtitle1" component="h2" color="text.primary" gutterBottom>
        {title}
      </Typography>
      {children ? <Typography variant="body2">{children}</Typography> : null}
    </Box>
  );
}
