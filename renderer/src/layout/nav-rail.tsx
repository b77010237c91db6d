import DescriptionOutlined from '@mui/icons-material/DescriptionOutlined';
import HistoryOutlined from '@mui/icons-material/HistoryOutlined';
import SettingsOutlined from '@mui/icons-material/SettingsOutlined';
import Box from '@mui/material/Box';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import type { Route } from '../routing/route.js';

type Place = 'scripts' | 'history' | 'settings';

/** The entries of the rail; a run belongs under History. */
const PLACES: readonly { place: Place; label: string; icon: ReactNode }[] = [
  { place: 'scripts', label: 'Scripts', icon: <DescriptionOutlined fontSize="small" /> },
  { place: 'history', label: 'History', icon: <HistoryOutlined fontSize="small" /> },
  { place: 'settings', label: 'Settings', icon: <SettingsOutlined fontSize="small" /> },
];

const placeOf = (route: Route): Place => (route.page === 'run' ? 'history' : route.page);

/** The places of the app on the left. */
export function NavRail({
  route,
  onNavigate,
  appVersion,
}: {
  route: Route;
  onNavigate: (route: Route) => void;
  appVersion: string | undefined;
}) {
  const current = placeOf(route);
  return (
    <Box
      component="nav"
      aria-label="Main"
      sx={{
        width: 184,
        flexShrink: 0,
        borderRight: 1,
        borderColor: 'divider',
        bgcolor: 'background.paper',
        display: 'flex',
        flexDirection: 'column',
      }}
    >
      <List sx={{ px: 1, py: 1.5 }}>
        {PLACES.map(({ place, label, icon }) => (
          <ListItem key={place} disablePadding sx={{ mb: 0.5 }}>
            <ListItemButton
              selected={current === place}
              aria-current={current === place ? 'page' : undefined}
              onClick={() => onNavigate({ page: place })}
              sx={{ borderRadius: 1 }}
              data-testid={`nav-${place}`}
            >
              <ListItemIcon sx={{ minWidth: 34 }}>{icon}</ListItemIcon>
              <ListItemText primary={label} />
            </ListItemButton>
          </ListItem>
        ))}
      </List>
      <Box sx={{ flexGrow: 1 }} />
      {appVersion ? (
        <Typography variant="caption" color="text.secondary" sx={{ p: 2 }}>
          ScriptDesk {appVersion}
        </Typography>
      ) : null}
    </Box>
  );
}
