import BookmarkAddOutlined from '@mui/icons-material/BookmarkAddOutlined';
import BookmarksOutlined from '@mui/icons-material/BookmarksOutlined';
import EventRepeatOutlined from '@mui/icons-material/EventRepeatOutlined';
import ExpandMoreRounded from '@mui/icons-material/ExpandMoreRounded';
import SettingsOutlined from '@mui/icons-material/SettingsOutlined';
import StarRounded from '@mui/icons-material/StarRounded';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Divider from '@mui/material/Divider';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import ListSubheader from '@mui/material/ListSubheader';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import { useState } from 'react';
import type { Preset } from '../../../main/contract/api.js';
import { ScheduleDialog, type SchedulableScript } from '../schedules/schedule-dialog.js';
import { ManagePresetsDialog } from './manage-presets-dialog.js';
import { SavePresetDialog } from './save-preset-dialog.js';
import type { PresetsState } from './use-presets.js';

/** True when `preset` is the one the form opens with. */
export function isDefault(presets: PresetsState, preset: Preset): boolean {
  const chosen = presets.list?.defaultPreset;
  return chosen?.source === preset.source && chosen.name === preset.name;
}

/**
 * The form's Presets menu: apply one of the administrator's or the user's presets, save the values
 * now in the form as a preset, manage (rename, delete, choose the default). What was just saved
 * is said under the button, with any sensitive field that was not kept.
 */
export function PresetsControl({
  scriptTitle,
  presets,
  currentInputs,
  onApply,
  schedulable,
}: {
  scriptTitle: string;
  /** The script, when its administrator allows scheduled runs of it (script.json `scheduling`). */
  schedulable?: SchedulableScript | undefined;
  presets: PresetsState;
  currentInputs: () => Record<string, unknown>;
  onApply: (preset: Preset) => void;
}) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [dialog, setDialog] = useState<'save' | 'manage' | 'schedule' | null>(null);
  const [saved, setSaved] = useState<{ name: string; leftOut: string[] } | null>(null);
  const [scheduled, setScheduled] = useState<string | null>(null);
  const all = presets.list?.presets ?? [];
  const admin = all.filter((p) => p.source === 'admin');
  const mine = all.filter((p) => p.source === 'mine');
  const close = () => setAnchor(null);

  const item = (preset: Preset) => (
    <MenuItem
      key={`${preset.source}:${preset.name}`}
      onClick={() => {
        close();
        setSaved(null);
        onApply(preset);
      }}
    >
      <ListItemText
        primary={preset.name}
        secondary={isDefault(presets, preset) ? 'The form opens with it' : undefined}
      />
      {isDefault(presets, preset) ? (
        <StarRounded fontSize="small" color="warning" sx={{ ml: 1 }} aria-hidden />
      ) : null}
    </MenuItem>
  );

  return (
    <Box sx={{ mb: 2 }}>
      <Button
        variant="outlined"
        startIcon={<BookmarksOutlined />}
        endIcon={<ExpandMoreRounded />}
        aria-haspopup="menu"
        aria-expanded={anchor ? 'true' : undefined}
        aria-controls={anchor ? 'presets-menu' : undefined}
        onClick={(event) => setAnchor(event.currentTarget)}
        data-testid="presets-button"
      >
        Presets{all.length ? ` (${all.length})` : ''}
      </Button>
      <Menu
        id="presets-menu"
        anchorEl={anchor}
        open={anchor !== null}
        onClose={close}
        slotProps={{ list: { dense: false, sx: { minWidth: 300 } } }}
      >
        {admin.length ? <ListSubheader>From your administrator</ListSubheader> : null}
        {admin.map(item)}
        {mine.length ? <ListSubheader>Yours</ListSubheader> : null}
        {mine.map(item)}
        {all.length === 0 ? (
          <MenuItem disabled>
            <ListItemText primary="No presets yet" secondary="Save the values you use often" />
          </MenuItem>
        ) : null}
        <Divider />
        <MenuItem
          onClick={() => {
            close();
            setDialog('save');
          }}
        >
          <ListItemIcon>
            <BookmarkAddOutlined fontSize="small" />
          </ListItemIcon>
          Save current values as a preset…
        </MenuItem>
        <MenuItem
          disabled={all.length === 0}
          onClick={() => {
            close();
            setDialog('manage');
          }}
        >
          <ListItemIcon>
            <SettingsOutlined fontSize="small" />
          </ListItemIcon>
          Manage presets…
        </MenuItem>
        {schedulable ? (
          <MenuItem
            disabled={all.length === 0}
            onClick={() => {
              close();
              setScheduled(null);
              setDialog('schedule');
            }}
            data-testid="schedule-preset"
          >
            <ListItemIcon>
              <EventRepeatOutlined fontSize="small" />
            </ListItemIcon>
            Schedule a preset…
          </MenuItem>
        ) : null}
      </Menu>
      {scheduled ? (
        <Alert
          severity="success"
          role="status"
          onClose={() => setScheduled(null)}
          sx={{ mt: 1.5 }}
          data-testid="schedule-created"
        >
          {scheduled} Settings lists your schedules.
        </Alert>
      ) : null}
      {saved ? (
        <Alert
          severity="success"
          role="status"
          onClose={() => setSaved(null)}
          sx={{ mt: 1.5 }}
          data-testid="preset-saved"
        >
          Saved the preset “{saved.name}”.
          {saved.leftOut.length
            ? ` Not kept (sensitive, entered at each run): ${saved.leftOut.join(', ')}.`
            : ''}
        </Alert>
      ) : null}
      <SavePresetDialog
        open={dialog === 'save'}
        scriptTitle={scriptTitle}
        presets={presets}
        currentInputs={currentInputs}
        onSaved={(name, leftOut) => {
          setDialog(null);
          setSaved({ name, leftOut });
        }}
        onClose={() => setDialog(null)}
      />
      {schedulable ? (
        <ScheduleDialog
          open={dialog === 'schedule'}
          script={schedulable}
          presets={all}
          onCreated={(schedule) => {
            setDialog(null);
            setScheduled(
              schedule.nextRunAt
                ? `Scheduled: the next run is at ${new Date(schedule.nextRunAt).toLocaleString()}.`
                : 'Scheduled.',
            );
          }}
          onClose={() => setDialog(null)}
        />
      ) : null}
      <ManagePresetsDialog
        open={dialog === 'manage'}
        scriptTitle={scriptTitle}
        presets={presets}
        onClose={() => setDialog(null)}
      />
    </Box>
  );
}
