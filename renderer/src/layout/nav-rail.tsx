import DescriptionOutlined from '@mui/icons-material/DescriptionOutlined';
import HistoryOutlined from '@mui/icons-material/HistoryOutlined';
import Box from '@mui/material/Box';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import type { Route } from '../routing/route.js';

/** The two places of the app on the left. A run belongs under History. */
export function NavRail({
  route,
  onNavigate,
  appVersion,
}: {
  route: Route;
  onNavigate: (route: Route) => void;
  appVersion: string | undefined;
}) {
  const inScripts = route.page === 'scripts';
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
        <ListItem disablePadding sx={{ mb: 0.5 }}>
          <ListItemButton
            selected={inScripts}
            aria-current={inScripts ? 'page' : undefined}
            onClick={() => onNavigate({ page: 'scripts' })}
            sx={{ borderRadius: 1 }}
            data-testid="nav-scripts"
          >
            <ListItemIcon sx={{ minWidth: 34 }}>
              <DescriptionOutlined fontSize="small" />
            </ListItemIcon>
            <ListItemText primary="Scripts" />
          </ListItemButton>
        </ListItem>
        <ListItem disablePadding>
          <ListItemButton
            selected={!inScripts}
            aria-current={!inScripts ? 'page' : undefined}
            onClick={() => onNavigate({ page: 'history' })}
            sx={{ borderRadius: 1 }}
            data-testid="nav-history"
          >
            <ListItemIcon sx={{ minWidth: 34 }}>
              <HistoryOutlined fontSize="small" />
            </ListItemIcon>
            <ListItemText primary="History" />
          </ListItemButton>
        </ListItem>
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
