import ScienceOutlined from '@mui/icons-material/ScienceOutlined';
import WarningAmberOutlined from '@mui/icons-material/WarningAmberOutlined';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import type { ScriptSummary } from '../../../main/contract/api.js';

/** The "Destructive" / "Dry run available" chips of a script (nothing when neither applies). */
export function ScriptBadges({
  script,
}: {
  script: Pick<ScriptSummary, 'destructive' | 'supportsDryRun'>;
}) {
  if (!script.destructive && !script.supportsDryRun) return null;
  return (
    <Stack direction="row" spacing={0.75} useFlexGap sx={{ flexWrap: 'wrap' }}>
      {script.destructive ? (
        <Chip
          icon={<WarningAmberOutlined />}
          label="Destructive"
          color="warning"
          variant="outlined"
        />
      ) : null}
      {script.supportsDryRun ? (
        <Chip
          icon={<ScienceOutlined />}
          label="Dry run available"
          color="info"
          variant="outlined"
        />
      ) : null}
    </Stack>
  );
}
