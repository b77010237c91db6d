import Inventory2Outlined from '@mui/icons-material/Inventory2Outlined';
import LinkOffOutlined from '@mui/icons-material/LinkOffOutlined';
import TouchAppOutlined from '@mui/icons-material/TouchAppOutlined';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ApiError } from '../../../main/contract/errors.js';
import { useApiQuery } from '../api/use-api-query.js';
import { useReloadOnChange } from '../api/use-reload-on-change.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { EmptyState } from '../common/empty-state.js';
import { LoadingState } from '../common/loading-state.js';
import { visuallyHidden } from '../common/visually-hidden.js';
import { usePreferences } from '../settings/preferences.js';
import { preloadScriptForm, ScriptDetail, warmUpScriptForm } from './script-detail.js';
import type { FormLink } from './checked-run-form.js';
import { ScriptList } from './script-list.js';
import { useEnvironmentUpdates, withLatestEnvironment } from './use-environment-updates.js';

const NONE: readonly string[] = [];

/** The Scripts place: the catalogue on the left, the selected script's form on the right. */
export function ScriptsPage({
  hasCatalogue,
  catalogueVersion,
  scriptId,
  link,
  onSelect,
  onStarted,
}: {
  hasCatalogue: boolean;
  /** When this changes (a sync installed another version), the list and the open form are read again. */
  catalogueVersion: number | undefined;
  scriptId: string | undefined;
  /** What the page's address asked of the script's form (a preset to open with). */
  link?: FormLink;
  onSelect: (scriptId: string) => void;
  onStarted: (runId: string) => void;
}) {
  const list = useApiQuery('catalogue.list', hasCatalogue ? {} : null);
  useReloadOnChange(catalogueVersion, list.reload);
  const environments = useEnvironmentUpdates(list.reload);
  const listed = list.value?.scripts;
  const recent = list.value?.recent ?? NONE;
  const preferences = usePreferences();
  const favourites = preferences.value?.favourites ?? NONE;
  const { change } = preferences;
  const [favouriteProblem, setFavouriteProblem] = useState<ApiError | null>(null);
  const onFavourite = useCallback(
    (id: string, favourite: boolean) => {
      const next = favourite
        ? [...favourites.filter((f) => f !== id), id]
        : favourites.filter((f) => f !== id);
      void change({ favourites: next }).then(setFavouriteProblem);
    },
    [favourites, change],
  );
  const scripts = useMemo(
    () => listed?.map((script) => withLatestEnvironment(script, environments)),
    [listed, environments],
  );

  // With the list on screen, the form's code is fetched, parsed and warmed up in idle moments:
  // a user reads the list before choosing, and the click then finds the form's code ready.
  const shown = scripts !== undefined && scripts.length > 0;
  const theme = useTheme();
  useEffect(() => {
    if (!shown || typeof requestIdleCallback !== 'function') return;
    const idle = requestIdleCallback(() => warmUpScriptForm(theme), { timeout: 3_000 });
    return () => cancelIdleCallback(idle);
  }, [shown, theme]);

  let content: ReactNode;
  if (!hasCatalogue) {
    content = (
      <EmptyState icon={<Inventory2Outlined />} title="No catalogue yet">
        ScriptDesk has not received a script catalogue. Ask your administrator to publish one for
        you; the approved scripts appear here as soon as it has synced.
      </EmptyState>
    );
  } else if (list.error) {
    content = (
      <Box sx={{ p: 3 }}>
        <ApiErrorAlert error={list.error} onRetry={list.reload} />
      </Box>
    );
  } else if (!scripts) {
    content = <LoadingState label="Loading scripts…" />;
  } else {
    content = (
      <Box sx={{ display: 'flex', height: '100%', minHeight: 0 }}>
        <Box
          onPointerEnter={preloadScriptForm}
          onFocus={preloadScriptForm}
          sx={{
            width: { xs: 280, lg: 340 },
            flexShrink: 0,
            borderRight: 1,
            borderColor: 'divider',
            bgcolor: 'background.paper',
            minHeight: 0,
            display: 'flex',
            flexDirection: 'column',
          }}
        >
          {favouriteProblem ? (
            <Box sx={{ p: 1.5 }}>
              <ApiErrorAlert error={favouriteProblem} title="Favourites were not saved" />
            </Box>
          ) : null}
          <ScriptList
            scripts={scripts}
            selectedId={scriptId}
            onSelect={onSelect}
            favourites={favourites}
            recent={recent}
            onFavourite={onFavourite}
          />
        </Box>
        <Box sx={{ flex: 1, minWidth: 0, overflowY: 'auto' }}>
          {scriptId && !scripts.some((script) => script.id === scriptId) ? (
            <UnknownScript scriptId={scriptId} />
          ) : scriptId ? (
            <ScriptDetail
              key={scriptId}
              scriptId={scriptId}
              catalogueVersion={catalogueVersion}
              listedEnvironment={scripts.find((script) => script.id === scriptId)?.environment}
              onStarted={onStarted}
              link={link}
            />
          ) : (
            <EmptyState icon={<TouchAppOutlined />} title="Choose a script">
              Pick a script on the left to see what it does and fill in its form.
            </EmptyState>
          )}
        </Box>
      </Box>
    );
  }

  return (
    <>
      {/* The place's one h1; the chosen script's title is an h2 under it. */}
      <Typography component="h1" sx={visuallyHidden}>
        Scripts
      </Typography>
      {content}
    </>
  );
}

/**
 * An address (a link, a bookmark) named a script this catalogue does not hold: said in plain
 * words, and nothing else happens.
 */
function UnknownScript({ scriptId }: { scriptId: string }) {
  const shown = scriptId.length > 64 ? `${scriptId.slice(0, 64)}…` : scriptId;
  return (
    <Box role="status" data-testid="unknown-script">
      <EmptyState icon={<LinkOffOutlined />} title="No such script">
        Your catalogue has no script “{shown}”, so nothing was opened and nothing was run. It may
        have been removed or renamed; pick a script on the left.
      </EmptyState>
    </Box>
  );
}
