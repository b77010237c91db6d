import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import { useId, useRef, useState } from 'react';
import type { Preferences, ThemeChoice } from '../../../main/contract/api.js';
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
import { usePreferences } from './preferences.js';
import { Section } from './section.js';
import { SchedulesSection } from '../schedules/schedules-section.js';

const THEMES: readonly { value: ThemeChoice; label: string; hint: string }[] = [
  { value: 'system', label: 'System', hint: 'Follow your computer: light or dark as it is set.' },
  { value: 'light', label: 'Light', hint: 'Dark text on light backgrounds.' },
  { value: 'dark', label: 'Dark', hint: 'Light text on dark backgrounds.' },
];

/**
 * The Settings place: how ScriptDesk looks, when it tells the user a run has ended, and the
 * user's schedules.
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
          <Appearance theme={value.theme} onChange={(theme) => void save({ theme })} />
          <Notifications
            on={value.notifyLongRuns}
            longRunSeconds={info.value?.longRunSeconds ?? 10}
            onChange={(notifyLongRuns) => void save({ notifyLongRuns })}
          />
          <SchedulesSection onOpenRun={onOpenRun} />
          <AboutThisComputer />
        </>
      )}
    </Box>
  );
}

function Appearance({
  theme,
  onChange,
}: {
  theme: ThemeChoice;
  onChange: (theme: ThemeChoice) => void;
}) {
  const labelId = useId();
  return (
    <Section title="Appearance">
      <Typography id={labelId} variant="subtitle2" component="p" sx={{ mb: 0.5 }}>
        Theme
      </Typography>
      <RadioGroup
        aria-labelledby={labelId}
        name="theme"
        value={theme}
        onChange={(event) => onChange(event.target.value as ThemeChoice)}
        data-testid="theme-choice"
      >
        {THEMES.map((choice) => (
          <FormControlLabel
            key={choice.value}
            value={choice.value}
            control={
              <Radio slotProps={{ input: { 'aria-describedby': `${labelId}-${choice.value}` } }} />
            }
            label={
              <span>
                {choice.label}
                <Typography
                  id={`${labelId}-${choice.value}`}
                  component="span"
                  variant="body2"
                  color="text.secondary"
                  sx={{ display: 'block' }}
                >
                  {choice.hint}
                </Typography>
              </span>
            }
            sx={{ alignItems: 'flex-start', mb: 0.75, '& .MuiRadio-root': { mt: -0.5 } }}
          />
        ))}
      </RadioGroup>
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
