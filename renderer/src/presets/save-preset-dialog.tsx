import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import TextField from '@mui/material/TextField';
import { useState, type FormEvent } from 'react';
import type { ApiError } from '../../../main/contract/errors.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import type { PresetsState } from './use-presets.js';

/** Longest name main accepts (`main/shared/preset-name.ts`). */
const MAX_NAME = 80;

/**
 * Asks for a name and saves the form's current values under it. A name already used is said at
 * the field, with Replace to overwrite that preset instead.
 */
export function SavePresetDialog({
  open,
  scriptTitle,
  presets,
  currentInputs,
  onSaved,
  onClose,
}: {
  open: boolean;
  scriptTitle: string;
  presets: PresetsState;
  currentInputs: () => Record<string, unknown>;
  onSaved: (name: string, leftOut: string[]) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState('');
  const [makeDefault, setMakeDefault] = useState(false);
  const [taken, setTaken] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  async function save(replace: boolean) {
    setBusy(true);
    const result = await presets.change('presets.save', {
      name: name.trim(),
      inputs: currentInputs(),
      makeDefault,
      replace,
    });
    setBusy(false);
    if (result.ok) return onSaved(name.trim(), result.leftOut);
    if (result.error.code === 'conflict') return setTaken(true);
    setError(result.error);
  }

  const nameProblem = taken
    ? 'You already have a preset with this name: choose another, or replace it.'
    : undefined;
  return (
    <Dialog
      open={open}
      onClose={onClose}
      fullWidth
      maxWidth="xs"
      aria-labelledby="save-preset-title"
      slotProps={{
        transition: {
          onExited: () => {
            setName('');
            setMakeDefault(false);
            setTaken(false);
            setError(undefined);
          },
        },
      }}
    >
      <form
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          if (name.trim()) void save(false);
        }}
      >
        <DialogTitle id="save-preset-title">Save as a preset</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>
            The values now in the form of {scriptTitle}, to fill it in one step next time. Sensitive
            values are never kept.
          </DialogContentText>
          <TextField
            autoFocus
            fullWidth
            label="Preset name"
            value={name}
            onChange={(event) => {
              setName(event.target.value);
              setTaken(false);
            }}
            error={taken}
            helperText={nameProblem ?? 'For example: Month-end close'}
            slotProps={{ htmlInput: { maxLength: MAX_NAME, 'data-testid': 'preset-name' } }}
          />
          <FormControlLabel
            sx={{ mt: 1 }}
            control={
              <Checkbox
                checked={makeDefault}
                onChange={(event) => setMakeDefault(event.target.checked)}
              />
            }
            label="Open the form with this preset"
          />
          {error ? <ApiErrorAlert error={error} /> : null}
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          {taken ? (
            <Button color="warning" variant="contained" onClick={() => void save(true)}>
              Replace it
            </Button>
          ) : (
            <Button type="submit" variant="contained" disabled={busy || !name.trim()}>
              Save preset
            </Button>
          )}
        </DialogActions>
      </form>
    </Dialog>
  );
}
