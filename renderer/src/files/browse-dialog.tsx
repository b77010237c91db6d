import ArrowUpwardRounded from '@mui/icons-material/ArrowUpwardRounded';
import DescriptionOutlined from '@mui/icons-material/DescriptionOutlined';
import FolderOutlined from '@mui/icons-material/FolderOutlined';
import HistoryRounded from '@mui/icons-material/HistoryRounded';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useEffect, useRef, useState } from 'react';
import type { FilePickRequest } from '../../../forms/theme/index.js';
import { useApiQuery } from '../api/use-api-query.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { formatByteSize } from '../common/format.js';
import { LoadingState } from '../common/loading-state.js';
import { monospaceFont } from '../theme.js';

/** The folder a path is in (the page cannot use `node:path`; main paths are POSIX or Windows). */
function folderOf(path: string): string | undefined {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut > 0 ? path.slice(0, cut) : undefined;
}

function join(folder: string, name: string): string {
  const separator = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  return folder.endsWith(separator) ? `${folder}${name}` : `${folder}${separator}${name}`;
}

/**
 * The page's own file chooser (the web host has no file dialog): one folder of the user's home at
 * a time, the folders a field used before, Up, and the accepted files. A folder opens with Enter
 * or a click; a file is chosen with Enter or a click then Choose; a folder field chooses the folder
 * being shown.
 */
export function BrowseDialog({
  scriptId,
  request,
  onDone,
}: {
  scriptId: string;
  request: FilePickRequest | null;
  onDone: (path: string | undefined) => void;
}) {
  const [folder, setFolder] = useState<string | undefined>(undefined);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const last = useRef(request);
  if (request) last.current = request;
  const shown = request ?? last.current;
  // Each time the dialog opens, it starts next to what the field holds (main falls back to home).
  useEffect(() => {
    if (request) {
      setFolder(
        request.current
          ? request.rule.kind === 'directory'
            ? request.current
            : folderOf(request.current)
          : undefined,
      );
      setSelected(undefined);
    }
  }, [request]);

  const listing = useApiQuery(
    'files.browse',
    request
      ? {
          kind: request.rule.kind,
          ...(request.rule.accept?.length ? { accept: request.rule.accept } : {}),
          ...(folder ? { folder } : {}),
          ...(request.field ? { scriptId, field: request.field } : {}),
        }
      : null,
  );
  const value = listing.value;
  // A folder that is gone or outside the home: start again from the home rather than stop.
  useEffect(() => {
    if (listing.error && folder && listing.error.code !== 'bad_request') setFolder(undefined);
  }, [listing.error, folder]);

  const directory = shown?.rule.kind === 'directory';
  const open = (path: string) => {
    setFolder(path);
    setSelected(undefined);
  };
  const choice = directory ? value?.folder : selected;

  return (
    <Dialog
      open={request !== null}
      onClose={() => onDone(undefined)}
      fullWidth
      maxWidth="sm"
      aria-labelledby="browse-title"
    >
      <DialogTitle id="browse-title">Choose {shown?.label}</DialogTitle>
      <DialogContent dividers sx={{ minHeight: 360 }}>
        {value ? (
          <Stack spacing={1.5}>
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
              <Button
                startIcon={<ArrowUpwardRounded />}
                disabled={value.parent === null}
                onClick={() => value.parent && open(value.parent)}
              >
                Up
              </Button>
              <Typography
                data-testid="browse-folder"
                sx={{ fontFamily: monospaceFont, fontSize: 13, wordBreak: 'break-all' }}
              >
                {value.folder}
              </Typography>
            </Stack>
            {value.recent.length ? (
              <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }}>
                <Typography variant="caption" color="text.secondary" sx={{ alignSelf: 'center' }}>
                  Used before:
                </Typography>
                {value.recent.map((path) => (
                  <Chip
                    key={path}
                    icon={<HistoryRounded />}
                    label={path.slice(value.root.length) || path}
                    title={path}
                    onClick={() => open(path)}
                    variant="outlined"
                  />
                ))}
              </Stack>
            ) : null}
            {value.entries.length === 0 ? (
              <Typography color="text.secondary" sx={{ py: 2 }}>
                {directory
                  ? 'No folders in here.'
                  : shown?.rule.accept?.length
                    ? `No folders or ${shown.rule.accept.join(', ')} files in here.`
                    : 'This folder is empty.'}
              </Typography>
            ) : (
              <List aria-label={`In ${value.folder}`} data-testid="browse-entries">
                {value.entries.map((entry) => {
                  const path = join(value.folder, entry.name);
                  const isFolder = entry.kind === 'directory';
                  return (
                    <ListItem key={entry.name} disablePadding>
                      <ListItemButton
                        selected={path === selected}
                        onClick={() => (isFolder ? open(path) : setSelected(path))}
                        onDoubleClick={() => !isFolder && onDone(path)}
                        onKeyDown={(event) => {
                          if (event.key === 'Enter' && !isFolder) {
                            event.preventDefault();
                            onDone(path);
                          }
                        }}
                      >
                        <ListItemIcon sx={{ minWidth: 36 }}>
                          {isFolder ? <FolderOutlined /> : <DescriptionOutlined />}
                        </ListItemIcon>
                        <ListItemText
                          primary={entry.name}
                          secondary={isFolder ? 'Folder' : formatByteSize(entry.size ?? 0)}
                        />
                      </ListItemButton>
                    </ListItem>
                  );
                })}
              </List>
            )}
            {value.truncated ? (
              <Typography variant="caption" color="text.secondary">
                This folder holds more than can be listed; the first{' '}
                {value.entries.length.toLocaleString()} are shown.
              </Typography>
            ) : null}
          </Stack>
        ) : listing.error ? (
          <ApiErrorAlert error={listing.error} />
        ) : (
          <LoadingState label="Reading the folder…" />
        )}
      </DialogContent>
      <DialogActions>
        <Box sx={{ flexGrow: 1, px: 1 }}>
          <Typography variant="caption" color="text.secondary" role="status">
            {choice ? `Chosen: ${choice}` : 'Nothing chosen yet'}
          </Typography>
        </Box>
        <Button onClick={() => onDone(undefined)}>Cancel</Button>
        <Button variant="contained" disabled={!choice} onClick={() => onDone(choice)}>
          {directory ? 'Choose this folder' : 'Choose'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
