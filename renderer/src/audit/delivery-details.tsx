import Popover from '@mui/material/Popover';
import Typography from '@mui/material/Typography';
import { FactList } from '../common/fact-list.js';

/** The audit badge's popover: the headline and the facts under it (fetched on first open). */
export function DeliveryDetails({
  id,
  anchor,
  onClose,
  headline,
  rows,
}: {
  id: string;
  /** The badge it opens from; null when closed. */
  anchor: HTMLElement | null;
  onClose: () => void;
  headline: string;
  rows: [string, string][];
}) {
  return (
    <Popover
      open={anchor !== null}
      anchorEl={anchor}
      onClose={onClose}
      anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}
      slotProps={{
        paper: {
          id,
          role: 'dialog',
          'aria-label': 'Audit delivery',
          sx: { mt: 0.75, p: 2, maxWidth: 460 },
        },
      }}
    >
      <Typography variant="body2" sx={{ mb: 1.5 }} data-testid="audit-delivery-headline">
        {headline}
      </Typography>
      <FactList
        testId="audit-delivery-facts"
        rows={rows}
        labelSx={{ color: 'text.secondary' }}
        sx={{ columnGap: 1.5, rowGap: 0.5, fontSize: 13 }}
      />
    </Popover>
  );
}
