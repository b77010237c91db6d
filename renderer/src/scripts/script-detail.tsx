import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { Theme } from '@mui/material/styles';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { useEffect, useRef } from 'react';
import type { EnvironmentState } from '../../../main/contract/api.js';
import { useApiQuery } from '../api/use-api-query.js';
import { useReloadOnChange } from '../api/use-reload-on-change.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { lazyPart, PartBoundary } from '../common/lazy-part.js';
import { LoadingState } from '../common/loading-state.js';
import { useFocusWhenLost } from '../common/use-focus-when-lost.js';
import { EnvironmentFailedNotice } from './environment-notice.js';
import { ScriptProvenance } from './script-provenance.js';
import { ScriptBadges } from './script-badges.js';
import type { FormLink } from './checked-run-form.js';

/**
 * The form (react-jsonschema-form, its theme and the run sequence): fetched when a script is
 * opened, while its details load, so the catalogue never waits for it.
 */
const CheckedRunForm = lazyPart('the form', () =>
  import('./checked-run-form.js').then((module) => module.CheckedRunForm),
);

/**
 * Starts fetching the form's code: once the list is shown and the browser idle, or when the user
 * reaches for a script first (a pointer over the list, or the focus in it), so a click finds it
 * here. Never before the first screen is drawn.
 */
export function preloadScriptForm(): void {
  void CheckedRunForm.preload();
}

/**
 * Fetches the form's code as {@link preloadScriptForm} does (so the first script opened renders
 * it at once, without suspending) and, once it is here, warms it up while the browser is idle
 * (`form-warm-up.tsx`), so that render runs code already compiled.
 */
export function warmUpScriptForm(theme: Theme): void {
  void CheckedRunForm.preload()
    .then(() => import('./checked-run-form.js'))
    .then(
      (module) => module.warmUpRunForm(theme),
      () => {}, // only a head start: opening a script fetches the code again and shows a failure
    );
}

/** One script: what it is, and its form with the Run button. */
export function ScriptDetail({
  scriptId,
  catalogueVersion,
  listedEnvironment,
  onStarted,
  link,
}: {
  scriptId: string;
  /** The installed catalogue version: the form is read again when a sync changes it. */
  catalogueVersion: number | undefined;
  /**
   * The environment state as the script list has it, kept current by events (newer than
   * `catalogue.get`'s); undefined when the list does not hold the script.
   */
  listedEnvironment: EnvironmentState | undefined;
  onStarted: (runId: string) => void;
  /** What the page's address asked of the form (a preset to open with). */
  link?: FormLink;
}) {
  useEffect(preloadScriptForm, []);
  const query = useApiQuery('catalogue.get', { scriptId });
  useReloadOnChange(catalogueVersion, query.reload);
  const heading = useRef<HTMLHeadingElement>(null);
  // "Open script again" on a run page led here and is gone; a click in the list keeps its focus.
  useFocusWhenLost(heading, Boolean(query.value));

  if (query.error) {
    return (
      <Box sx={{ p: 3 }}>
        <ApiErrorAlert error={query.error} onRetry={query.reload} />
      </Box>
    );
  }
  if (!query.value) return <LoadingState label="Loading the form…" />;

  const { schema, uiSchema, validator } = query.value;
  const script = listedEnvironment
    ? { ...query.value.script, environment: listedEnvironment }
    : query.value.script;
  return (
    <Box sx={{ p: 3, maxWidth: 860 }}>
      <Stack spacing={1} sx={{ mb: 2.5, alignItems: 'flex-start' }}>
        <Typography variant="overline" color="text.secondary" sx={{ lineHeight: 1.5 }}>
          {script.category}
        </Typography>
        <Stack
          direction="row"
          spacing={1}
          sx={{ alignItems: 'center', flexWrap: 'wrap' }}
          useFlexGap
        >
          <Typography
            variant="h5"
            component="h2"
            ref={heading}
            tabIndex={-1}
            data-testid="script-title"
          >
            {script.title}
          </Typography>
          <Chip label={`Version ${script.version}`} variant="outlined" />
        </Stack>
        <Typography color="text.secondary">{script.summary}</Typography>
        <ScriptBadges script={script} />
        <ScriptProvenance provenance={query.value.provenance} />
      </Stack>
      <EnvironmentFailedNotice environment={script.environment} />
      <Paper variant="outlined" sx={{ p: 3 }}>
        <PartBoundary loading="Loading the form…">
          <CheckedRunForm.Component
            // A new version of the script may ask for other inputs, so its form starts afresh;
            // a sync that left this script unchanged keeps what the user has typed.
            // A link naming another preset opens it afresh too.
            key={`${script.id}@${script.version}?${link?.preset ?? ''}`}
            script={script}
            schema={schema as RJSFSchema}
            uiSchema={uiSchema as UiSchema}
            validatorSha256={validator.sha256}
            onStarted={onStarted}
            link={link}
          />
        </PartBoundary>
      </Paper>
    </Box>
  );
}
