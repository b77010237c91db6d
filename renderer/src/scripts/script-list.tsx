import SearchOutlined from '@mui/icons-material/SearchOutlined';
import Box from '@mui/material/Box';
import InputAdornment from '@mui/material/InputAdornment';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListSubheader from '@mui/material/ListSubheader';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useId, useMemo, useState } from 'react';
import type { ScriptSummary } from '../../../main/contract/api.js';
import { EmptyState } from '../common/empty-state.js';
import { groupScripts } from './group-scripts.js';
import { EnvironmentChip } from './environment-chip.js';
import { ScriptBadges } from './script-badges.js';

/** The searchable catalogue, grouped by category. */
export function ScriptList({
  scripts,
  selectedId,
  onSelect,
}: {
  scripts: readonly ScriptSummary[];
  selectedId: string | undefined;
  onSelect: (scriptId: string) => void;
}) {
  const [filter, setFilter] = useState('');
  const groups = useMemo(() => groupScripts(scripts, filter), [scripts, filter]);
  const groupId = useId();

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', minHeight: 0, height: '100%' }}>
      <Box sx={{ p: 1.5, borderBottom: 1, borderColor: 'divider' }}>
        <TextField
          fullWidth
          type="search"
          label="Find a script"
          placeholder="Title, summary or category"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          slotProps={{
            input: {
              startAdornment: (
                <InputAdornment position="start">
                  <SearchOutlined fontSize="small" />
                </InputAdornment>
              ),
            },
            htmlInput: { 'data-testid': 'script-filter' },
          }}
        />
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
              // Each category is a list of its own, named by its header.
              <li key={group.category}>
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
                  {group.category}
                </ListSubheader>
                <List disablePadding aria-labelledby={`${groupId}-${index}`}>
                  {group.scripts.map((script) => (
                    <ListItem key={script.id} disablePadding>
                      <ListItemButton
                        selected={script.id === selectedId}
                        aria-current={script.id === selectedId ? 'true' : undefined}
                        onClick={() => onSelect(script.id)}
                        data-testid={`script-item-${script.id}`}
                        sx={{
                          display: 'block',
                          py: 1,
                          px: 2,
                          borderBottom: 1,
                          borderColor: 'divider',
                        }}
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
                        {/* As tall as a chip even when none is shown: an environment chip that
                            comes or goes while its venv is built must not move the list under
                            the pointer. */}
                        <Stack
                          direction="row"
                          spacing={0.75}
                          useFlexGap
                          sx={{ flexWrap: 'wrap', minHeight: 24 }}
                        >
                          <EnvironmentChip
                            environment={script.environment}
                            testId={`script-environment-${script.id}`}
                          />
                          <ScriptBadges script={script} />
                        </Stack>
                      </ListItemButton>
                    </ListItem>
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
