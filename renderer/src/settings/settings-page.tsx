import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import { useId, useRef, useState } from 'react';
import type { BackgroundChoice, Preferences, ThemeChoice } from '../../../main/contract/api.js';
import type { ApiError } from '../../../main/contract/errors.js';
import { useAppInfo } from '../api/app-info.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { LoadingState } from '../common/loading-state.js';
import { useFocusWhenLost } from '../common/use-focus-when-lost.js';
import {
  askNotificationPermission,
  notificationAccess,
  type NotificationAccess,
} from './browser-notifications.js';
import { AboutThisComputer } from './about-section.js';
import { ChoiceGroup, type Choice } from './choice-group.js';
import { usePreferences } from './preferences.js';
import { Section } from './section.js';
import { SchedulesSection } from '../schedules/schedules-section.js';

const THEMES: readonly Choice<ThemeChoice>[] = [
  { value: 'system', label: 'System', hint: 'Follow your computer: light or dark as it is set.' },
  { value: 'light', label: 'Light', hint: 'Dark text on light backgrounds.' },
  { value: 'dark', label: 'Dark', hint: 'Light text on dark backgrounds.' },
];

const BACKGROUND: readonly Choice<BackgroundChoice>[] = [
  {
    value: 'automatic',
    label: 'Automatic',
    hint: 'Only while you have scheduled runs, so they run on time.',
  },
  { value: 'on', label: 'On', hint: 'Always: closing the window leaves ScriptDesk in the tray.' },
  { value: 'off', label: 'Off', hint: 'Never: closing the window quits ScriptDesk.' },
];

/**
 * The Settings place: how ScriptDesk looks, when it tells the user a run has ended, the user's
 * schedules, and whether it stays in the background.
 */
export function SettingsPage({ onOpenRun }: { onOpenRun: (runId: string) => void }) {
  const preferences = usePreferences();
  const info = useAppInfo();
  const [problem, setProblem] = useState<ApiError | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useFocusWhenLost(heading, true);

  const save = async (change: Partial<Preferences>) => setProblem(await preferences.change(change));
  const value = preferences.value;

  return (
    <Box sx={{ p: 3, maxWidth: 760 }}>
      <Typography variant="h5" component="h1" sx={{ mb: 2 }} ref={heading} tabIndex={-1}>
        Settings
      </Typography>
      {problem ? (
        <Box sx={{ mb: 2 }}>
          <ApiErrorAlert error={problem} title="The setting was not saved" />
        </Box>
      ) : null}
      {preferences.error && !value ? (
        <ApiErrorAlert error={preferences.error} />
      ) : !value ? (
        <LoadingState label="Loading settings…" />
      ) : (
        <>
          <Section title="Appearance">
            <ChoiceGroup
              label="Theme"
              name="theme"
              choices={THEMES}
              value={value.theme}
              onChange={(theme) => void save({ theme })}
              testId="theme-choice"
            />
          </Section>
          <Notifications
            on={value.notifyLongRuns}
            longRunSeconds={info.value?.longRunSeconds ?? 10}
            onChange={(notifyLongRuns) => void save({ notifyLongRuns })}
          />
          <SchedulesSection onOpenRun={onOpenRun} />
          <Background
            choice={value.runInBackground}
            desktop={info.value?.desktop ?? false}
            onChange={(runInBackground) => void save({ runInBackground })}
          />
          <AboutThisComputer />
        </>
      )}
    </Box>
  );
}

/** Whether the desktop app stays in the tray (menu bar) when its window is closed. */
function Background({
  choice,
  desktop,
  onChange,
}: {
  choice: BackgroundChoice;
  desktop: boolean;
  onChange: (choice: BackgroundChoice) => void;
}) {
  return (
    <Section title="Background">
      <ChoiceGroup
        label="Keep running in the background when the window is closed"
        name="run-in-background"
        choices={BACKGROUND}
        value={choice}
        onChange={onChange}
        testId="background-choice"
      />
      <FormHelperText sx={{ mx: 0 }}>
        {desktop
          ? 'In the background, ScriptDesk waits in the tray (the menu bar on a Mac): open it from there, or quit it there.'
          : 'This applies to the desktop app. ScriptDesk in this browser tab runs as long as the program serving it does.'}
      </FormHelperText>
    </Section>
  );
}

function Notifications({
  on,
  longRunSeconds,
  onChange,
}: {
  on: boolean;
  longRunSeconds: number;
  onChange: (on: boolean) => void;
}) {
  const [access, setAccess] = useState<NotificationAccess>(() => notificationAccess());
  const hintId = useId();
  const ask = async () => setAccess(await askNotificationPermission());
  return (
    <Section title="Notifications">
      <FormControlLabel
        control={
          <Switch
            checked={on}
            onChange={(event) => {
              const next = event.target.checked;
              onChange(next);
              // Asked here, as the user turns it on, and never on load.
              if (next && access === 'default') void ask();
            }}
            slotProps={{ input: { 'aria-describedby': hintId } }}
          />
        }
        label={`Tell me when a run that took over ${describeSeconds(longRunSeconds)} ends`}
        data-testid="notify-long-runs"
      />
      <FormHelperText id={hintId} sx={{ mx: 0 }}>
        The window title counts the runs you have not seen yet, and your computer shows a
        notification naming the script and how it ended. Runs you cancel are not announced.
      </FormHelperText>
      <BrowserHint on={on} access={access} onAsk={() => void ask()} />
    </Section>
  );
}

/** In the web host: what the browser lets ScriptDesk do, and how to change it. */
function BrowserHint({
  on,
  access,
  onAsk,
}: {
  on: boolean;
  access: NotificationAccess;
  onAsk: () => void;
}) {
  if (!on || access === 'electron' || access === 'granted') return null;
  if (access === 'denied')
    return (
      <Alert severity="info" sx={{ mt: 1.5 }} data-testid="notification-permission-hint">
        Your browser blocks notifications from ScriptDesk, so only the window title shows when a run
        ends. To get notifications, allow them for this address in the browser&apos;s site settings
        (the icon left of the address), then reload the page.
      </Alert>
    );
  if (access === 'unsupported')
    return (
      <Alert severity="info" sx={{ mt: 1.5 }} data-testid="notification-permission-hint">
        This browser cannot show notifications; the window title still shows when a run ends.
      </Alert>
    );
  return (
    <Alert
      severity="info"
      sx={{ mt: 1.5 }}
      data-testid="notification-permission-hint"
      action={
        <Button color="inherit" onClick={onAsk} sx={{ whiteSpace: 'nowrap' }}>
          Allow notifications
        </Button>
      }
    >
      Your browser has not allowed notifications from ScriptDesk yet, so only the window title shows
      when a run ends.
    </Alert>
  );
}

function describeSeconds(seconds: number): string {
  if (seconds % 60 === 0 && seconds >= 60)
    return seconds === 60 ? '1 minute' : `${seconds / 60} minutes`;
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}
