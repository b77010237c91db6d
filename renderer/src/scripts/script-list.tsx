import SearchOutlined from '@mui/icons-material/SearchOutlined';
import StarBorderRounded from '@mui/icons-material/StarBorderRounded';
import StarRounded from '@mui/icons-material/StarRounded';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import FormControl from '@mui/material/FormControl';
import InputAdornment from '@mui/material/InputAdornment';
import InputLabel from '@mui/material/InputLabel';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListSubheader from '@mui/material/ListSubheader';
import OutlinedInput from '@mui/material/OutlinedInput';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { memo, useId, useMemo, useState } from 'react';
import type { ScriptSummary } from '../../../main/contract/api.js';
import { EmptyState } from '../common/empty-state.js';
import { groupScripts, type ScriptGroup } from './group-scripts.js';
import { EnvironmentChip } from './environment-chip.js';
import { ScriptBadges } from './script-badges.js';

/** Test ids of a row in each kind of group (a favourite is listed twice: at the top and in its category). */
const ROW_TEST_ID: Record<ScriptGroup['kind'], string> = {
  category: 'script-item',
  favourites: 'favourite-item',
  recent: 'recent-item',
};

/** The searchable catalogue: the user's favourites and recently run scripts, then each category. */
export function ScriptList({
  scripts,
  selectedId,
  onSelect,
  favourites,
  recent,
  onFavourite,
}: {
  scripts: readonly ScriptSummary[];
  selectedId: string | undefined;
  onSelect: (scriptId: string) => void;
  /** Favourite script ids. */
  favourites: readonly string[];
  /** Ids of the scripts run last, newest first. */
  recent: readonly string[];
  /** Adds a script to the favourites (true) or removes it. */
  onFavourite: (scriptId: string, favourite: boolean) => void;
}) {
  const [filter, setFilter] = useState('');
  const groups = useMemo(
    () => groupScripts(scripts, filter, { favourites, recent }),
    [scripts, filter, favourites, recent],
  );
  const favouriteIds = useMemo(() => new Set(favourites), [favourites]);
  const groupId = useId();
  const filterId = useId();

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', minHeight: 0, flex: 1 }}>
      <Box sx={{ p: 1.5, borderBottom: 1, borderColor: 'divider' }}>
        {/* TextField's parts, without TextField: it would bring Select, Menu and Modal (unused
            here) into the first screen's code. */}
        <FormControl fullWidth>
          <InputLabel htmlFor={filterId}>Find a script</InputLabel>
          <OutlinedInput
            id={filterId}
            type="search"
            label="Find a script"
            placeholder="Title, summary or category"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
            startAdornment={
              <InputAdornment position="start">
                <SearchOutlined fontSize="small" />
              </InputAdornment>
            }
            inputProps={{ 'data-testid': 'script-filter' }}
          />
        </FormControl>
      </Box>
      <Box sx={{ flex: 1, overflowY: 'auto' }}>
        {scripts.length === 0 ? (
          <EmptyState title="No scripts for you yet">
            The catalogue has no scripts you may run. Ask your administrator if you expected some.
          </EmptyState>
        ) : groups.length === 0 ? (
          <EmptyState title="No matching scripts">
            Nothing matches “{filter.trim()}”. Try fewer or other words.
          </EmptyState>
        ) : (
          <List data-testid="script-list" aria-label="Scripts" disablePadding sx={{ pb: 1 }}>
            {groups.map((group, index) => (
              // Each group is a list of its own, named by its header.
              <li key={`${group.kind}:${group.title}`}>
                <ListSubheader
                  component="div"
                  id={`${groupId}-${index}`}
                  sx={{
                    lineHeight: '32px',
                    fontSize: 12,
                    textTransform: 'uppercase',
                    letterSpacing: 0.6,
                    bgcolor: 'background.default',
                  }}
                >
                  {group.title}
                </ListSubheader>
                <List disablePadding aria-labelledby={`${groupId}-${index}`}>
                  {group.scripts.map((script) => (
                    <ScriptRow
                      key={script.id}
                      script={script}
                      testId={`${ROW_TEST_ID[group.kind]}-${script.id}`}
                      selected={script.id === selectedId}
                      onSelect={onSelect}
                      favourite={favouriteIds.has(script.id)}
                      onFavourite={onFavourite}
                    />
                  ))}
                </List>
              </li>
            ))}
          </List>
        )}
      </Box>
    </Box>
  );
}

/** One script in the list: its title, summary and chips, with a star to make it a favourite. */
const ScriptRow = memo(function ScriptRow({
  script,
  testId,
  selected,
  onSelect,
  favourite,
  onFavourite,
}: {
  script: ScriptSummary;
  testId: string;
  selected: boolean;
  onSelect: (scriptId: string) => void;
  favourite: boolean;
  onFavourite: (scriptId: string, favourite: boolean) => void;
}) {
  return (
    <ListItem
      disablePadding
      sx={{ borderBottom: 1, borderColor: 'divider' }}
      secondaryAction={
        <IconButton
          aria-label={
            favourite
              ? `Remove ${script.title} from favourites`
              : `Add ${script.title} to favourites`
          }
          aria-pressed={favourite}
          onClick={() => onFavourite(script.id, !favourite)}
          sx={{ color: favourite ? 'warning.main' : 'text.secondary' }}
        >
          {favourite ? <StarRounded fontSize="small" /> : <StarBorderRounded fontSize="small" />}
        </IconButton>
      }
    >
      <ListItemButton
        selected={selected}
        aria-current={selected ? 'true' : undefined}
        onClick={() => onSelect(script.id)}
        data-testid={testId}
        sx={{ display: 'block', py: 1, pl: 2 }}
      >
        <Typography variant="subtitle2" component="div">
          {script.title}
        </Typography>
        <Typography
          variant="body2"
          color="text.secondary"
          sx={{
            display: '-webkit-box',
            WebkitLineClamp: 2,
            WebkitBoxOrient: 'vertical',
            overflow: 'hidden',
            mb: 0.5,
          }}
        >
          {script.summary}
        </Typography>
        {/* As tall as a chip even when none is shown: an environment chip that comes or goes
            while its venv is built must not move the list under the pointer. */}
        <Stack direction="row" spacing={0.75} useFlexGap sx={{ flexWrap: 'wrap', minHeight: 24 }}>
          <EnvironmentChip
            environment={script.environment}
            testId={testId.replace('-item-', '-environment-')}
          />
          <ScriptBadges script={script} />
        </Stack>
      </ListItemButton>
    </ListItem>
  );
});
