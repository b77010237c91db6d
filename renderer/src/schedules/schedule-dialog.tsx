import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import FormLabel from '@mui/material/FormLabel';
import MenuItem from '@mui/material/MenuItem';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useState, type FormEvent } from 'react';
import type { Preset } from '../../../main/contract/api.js';
import type { ApiError } from '../../../main/contract/errors.js';
import type { MissedPolicy, Schedule, ScheduleRule } from '../../../main/contract/schedule-api.js';
import { useTransport } from '../api/transport-context.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { browserTimeZone, DAY_NAMES, describeRule, WEEK_ORDER } from './describe-rule.js';

/** The script the dialog schedules, as its page knows it. */
export interface SchedulableScript {
  id: string;
  title: string;
  requireReason: boolean;
  destructive: boolean;
}

type Kind = ScheduleRule['kind'];

/**
 * Schedules a script with one of its saved presets: when (every day, chosen days, every N hours,
 * in this computer's time zone) and what happens to times passed while the computer was off.
 * Main checks the preset against the form before it keeps the schedule; its refusal is shown here.
 */
export function ScheduleDialog({
  open,
  script,
  presets,
  onCreated,
  onClose,
}: {
  open: boolean;
  script: SchedulableScript;
  presets: Preset[];
  onCreated: (schedule: Schedule) => void;
  onClose: () => void;
}) {
  const transport = useTransport();
  const [preset, setPreset] = useState(0);
  const [kind, setKind] = useState<Kind>('daily');
  const [time, setTime] = useState('08:00');
  const [days, setDays] = useState<number[]>([1, 2, 3, 4, 5]);
  const [everyHours, setEveryHours] = useState('4');
  const [missed, setMissed] = useState<MissedPolicy>('skip');
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const timeZone = browserTimeZone();

  const hours = Number(everyHours);
  const rule: ScheduleRule | null =
    kind === 'daily'
      ? { kind, time }
      : kind === 'weekdays'
        ? days.length
          ? { kind, time, days }
          : null
        : Number.isInteger(hours) && hours >= 1 && hours <= 24
          ? { kind, everyHours: hours, from: time }
          : null;
  const chosen = presets[preset];

  async function create() {
    if (!rule || !chosen) return;
    setBusy(true);
    const result = await transport.call('schedules.create', {
      scriptId: script.id,
      preset: { source: chosen.source, name: chosen.name },
      rule,
      timeZone,
      missedPolicy: missed,
      ...(script.requireReason && reason.trim() ? { reason: reason.trim() } : {}),
      ...(script.destructive ? { confirmed } : {}),
    });
    setBusy(false);
    if (result.ok) onCreated(result.value.schedule);
    else setError(result.error);
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      fullWidth
      maxWidth="sm"
      aria-labelledby="schedule-title"
      slotProps={{ transition: { onExited: () => setError(undefined) } }}
    >
      <form
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          void create();
        }}
      >
        <DialogTitle id="schedule-title">Schedule {script.title}</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>
            ScriptDesk runs it with a saved preset at the times you choose, while it is open (the
            desktop app or the web host). Times are in {timeZone}.
          </DialogContentText>
          <Stack spacing={2.5}>
            <TextField
              select
              label="Preset"
              value={preset}
              onChange={(event) => setPreset(Number(event.target.value))}
              slotProps={{ htmlInput: { 'data-testid': 'schedule-preset' } }}
            >
              {presets.map((p, index) => (
                <MenuItem key={`${p.source}:${p.name}`} value={index}>
                  {p.name}
                  {p.source === 'admin' ? ' (from your administrator)' : ''}
                </MenuItem>
              ))}
            </TextField>
            <FormControl>
              <FormLabel id="schedule-kind">Repeat</FormLabel>
              <RadioGroup
                row
                aria-labelledby="schedule-kind"
                value={kind}
                onChange={(event) => setKind(event.target.value as Kind)}
              >
                <FormControlLabel value="daily" control={<Radio />} label="Every day" />
                <FormControlLabel value="weekdays" control={<Radio />} label="On chosen days" />
                <FormControlLabel value="hourly" control={<Radio />} label="Every few hours" />
              </RadioGroup>
            </FormControl>
            {kind === 'weekdays' ? (
              <FormControl component="fieldset" error={!days.length}>
                <FormLabel component="legend">Days</FormLabel>
                <FormGroup row>
                  {WEEK_ORDER.map((day) => (
                    <FormControlLabel
                      key={day}
                      control={
                        <Checkbox
                          checked={days.includes(day)}
                          onChange={(event) =>
                            setDays((current) =>
                              event.target.checked
                                ? [...current, day]
                                : current.filter((d) => d !== day),
                            )
                          }
                        />
                      }
                      label={DAY_NAMES[day]!.slice(0, 3)}
                    />
                  ))}
                </FormGroup>
              </FormControl>
            ) : null}
            <Stack direction="row" spacing={2}>
              <TextField
                type="time"
                label={kind === 'hourly' ? 'Starting at' : 'At'}
                value={time}
                onChange={(event) => setTime(event.target.value)}
                required
                slotProps={{ htmlInput: { 'data-testid': 'schedule-time', step: 60 } }}
              />
              {kind === 'hourly' ? (
                <TextField
                  type="number"
                  label="Every (hours)"
                  value={everyHours}
                  onChange={(event) => setEveryHours(event.target.value)}
                  error={rule === null}
                  helperText="1 to 24; the same times every day"
                  slotProps={{ htmlInput: { min: 1, max: 24 } }}
                />
              ) : null}
            </Stack>
            <FormControl>
              <FormLabel id="schedule-missed">
                If the computer was off or asleep at a time
              </FormLabel>
              <RadioGroup
                aria-labelledby="schedule-missed"
                value={missed}
                onChange={(event) => setMissed(event.target.value as MissedPolicy)}
              >
                <FormControlLabel
                  value="skip"
                  control={<Radio />}
                  label="Skip it (recorded as missed)"
                />
                <FormControlLabel
                  value="run-once"
                  control={<Radio />}
                  label="Run once when it is back, for all the times missed"
                />
              </RadioGroup>
            </FormControl>
            {script.requireReason ? (
              <TextField
                label="Reason or ticket for every run"
                value={reason}
                onChange={(event) => setReason(event.target.value)}
                required
              />
            ) : null}
            {script.destructive ? (
              <FormControlLabel
                control={
                  <Checkbox
                    checked={confirmed}
                    onChange={(event) => setConfirmed(event.target.checked)}
                  />
                }
                label="This script changes things outside its output folder: let scheduled runs do so without asking me"
              />
            ) : null}
            {rule ? (
              <Alert severity="info" role="status">
                {describeRule(rule)} ({timeZone}), with the preset “{chosen?.name}”.
              </Alert>
            ) : null}
            {error ? <ApiErrorAlert error={error} title="Not scheduled" /> : null}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            type="submit"
            variant="contained"
            disabled={busy || !rule || !chosen}
            data-testid="schedule-create"
          >
            Schedule
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
