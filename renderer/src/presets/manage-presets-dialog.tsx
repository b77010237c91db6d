import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { Preset } from '../../../main/contract/api.js';
import type { ApiError } from '../../../main/contract/errors.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { formatLocalTime } from '../common/format.js';
import type { PresetsState } from './use-presets.js';

/** The value of a preset in the "opens with" radio group; '' is the form's own defaults. */
const keyOf = (preset: Pick<Preset, 'source' | 'name'>) => `${preset.source}:${preset.name}`;

/** One of the user's presets: its name and date, Rename (in place) and Delete (asked first). */
function OwnPreset({
  preset,
  onRename,
  onDelete,
}: {
  preset: Preset;
  onRename: (newName: string) => Promise<boolean>;
  onDelete: () => Promise<boolean>;
}) {
  const [mode, setMode] = useState<'show' | 'rename' | 'delete'>('show');
  const [name, setName] = useState(preset.name);
  if (mode === 'rename')
    return (
      <Stack
        component="form"
        direction="row"
        spacing={1}
        sx={{ alignItems: 'center' }}
        onSubmit={(event) => {
          event.preventDefault();
          void onRename(name.trim()).then((done) => done && setMode('show'));
        }}
      >
        <TextField
          autoFocus
          label={`New name for “${preset.name}”`}
          value={name}
          onChange={(event) => setName(event.target.value)}
          slotProps={{ htmlInput: { maxLength: 80 } }}
          sx={{ flexGrow: 1 }}
        />
        <Button type="submit" variant="contained" disabled={!name.trim()}>
          Rename
        </Button>
        <Button onClick={() => setMode('show')}>Keep name</Button>
      </Stack>
    );
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
      <Box sx={{ flexGrow: 1 }}>
        <Typography variant="body2" sx={{ fontWeight: 600 }}>
          {preset.name}
        </Typography>
        <Typography variant="caption" color="text.secondary">
          {mode === 'delete'
            ? 'Delete this preset? The form and past runs are not affected.'
            : preset.savedAt
              ? `Saved ${formatLocalTime(preset.savedAt)}`
              : ''}
        </Typography>
      </Box>
      {mode === 'delete' ? (
        <>
          <Button color="error" variant="contained" onClick={() => void onDelete()}>
            Delete “{preset.name}”
          </Button>
          <Button autoFocus onClick={() => setMode('show')}>
            Keep it
          </Button>
        </>
      ) : (
        <>
          <Button onClick={() => setMode('rename')} aria-label={`Rename “${preset.name}”`}>
            Rename
          </Button>
          <Button
            color="error"
            onClick={() => setMode('delete')}
            aria-label={`Delete “${preset.name}”`}
          >
            Delete
          </Button>
        </>
      )}
    </Stack>
  );
}

/**
 * The script's presets in one place: which one the form opens with (any preset, or the form's own
 * defaults), and the user's own presets renamed or deleted. The administrator's are shown but
 * are not the user's to change.
 */
export function ManagePresetsDialog({
  open,
  scriptTitle,
  presets,
  onClose,
}: {
  open: boolean;
  scriptTitle: string;
  presets: PresetsState;
  onClose: () => void;
}) {
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const all = presets.list?.presets ?? [];
  const mine = all.filter((p) => p.source === 'mine');
  const chosen = presets.list?.defaultPreset;

  const outcome = (result: Awaited<ReturnType<PresetsState['change']>>) => {
    setError(result.ok ? undefined : result.error);
    return result.ok;
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      fullWidth
      maxWidth="sm"
      aria-labelledby="manage-presets-title"
      slotProps={{ transition: { onExited: () => setError(undefined) } }}
    >
      <DialogTitle id="manage-presets-title">Presets of {scriptTitle}</DialogTitle>
      <DialogContent>
        <Typography variant="subtitle2" component="h3" id="opens-with" sx={{ mb: 0.5 }}>
          The form opens with
        </Typography>
        <RadioGroup
          aria-labelledby="opens-with"
          value={chosen ? keyOf(chosen) : ''}
          onChange={(event) => {
            const preset = all.find((p) => keyOf(p) === event.target.value);
            void presets
              .change('presets.setDefault', {
                preset: preset ? { source: preset.source, name: preset.name } : null,
              })
              .then(outcome);
          }}
        >
          <FormControlLabel value="" control={<Radio />} label="The form’s own defaults" />
          {all.map((preset) => (
            <FormControlLabel
              key={keyOf(preset)}
              value={keyOf(preset)}
              control={<Radio />}
              label={
                preset.source === 'admin' ? `${preset.name} (from your administrator)` : preset.name
              }
            />
          ))}
        </RadioGroup>
        {mine.length ? (
          <>
            <Typography variant="subtitle2" component="h3" sx={{ mt: 2.5, mb: 1 }}>
              Your presets
            </Typography>
            <Stack spacing={1.5} data-testid="own-presets">
              {mine.map((preset) => (
                <OwnPreset
                  key={preset.name}
                  preset={preset}
                  onRename={async (newName) =>
                    outcome(await presets.change('presets.rename', { name: preset.name, newName }))
                  }
                  onDelete={async () =>
                    outcome(await presets.change('presets.delete', { name: preset.name }))
                  }
                />
              ))}
            </Stack>
          </>
        ) : null}
        {error ? (
          <Box sx={{ mt: 2 }}>
            <ApiErrorAlert error={error} />
          </Box>
        ) : null}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Done</Button>
      </DialogActions>
    </Dialog>
  );
}
