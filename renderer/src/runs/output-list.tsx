import InsertDriveFileOutlined from '@mui/icons-material/InsertDriveFileOutlined';
import LinkOffOutlined from '@mui/icons-material/LinkOffOutlined';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import {
  isOutputFile,
  type OutputEntry,
  type OutputFile,
  type SkippedOutput,
} from '../../../main/contract/api.js';
import { formatByteSize, shortHash } from '../common/format.js';
import { monospaceFont } from '../theme.js';

/** The files a run produced; choosing one opens its preview. Links and other non-files are listed, not opened. */
export function OutputList({
  outputs,
  onOpen,
}: {
  outputs: readonly OutputEntry[];
  onOpen: (file: OutputFile) => void;
}) {
  if (outputs.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        This run produced no files.
      </Typography>
    );
  }
  return (
    <Paper variant="outlined">
      <List disablePadding aria-label="Output files">
        {outputs.map((entry, index) => {
          const divider = index < outputs.length - 1;
          if (!isOutputFile(entry))
            return <SkippedItem key={entry.name} entry={entry} divider={divider} />;
          const file = entry;
          return (
            // Named by what it shows (the file, its size and hash, "Preview"), so speech matches sight.
            <ListItem key={file.name} divider={divider} disablePadding>
              <ListItemButton onClick={() => onOpen(file)} data-testid={`output-file-${file.name}`}>
                <ListItemIcon sx={{ minWidth: 36 }}>
                  <InsertDriveFileOutlined fontSize="small" color="primary" />
                </ListItemIcon>
                <ListItemText
                  primary={file.name}
                  secondary={
                    <>
                      {formatByteSize(file.size)} · SHA-256{' '}
                      <span style={{ fontFamily: monospaceFont }} title={file.sha256}>
                        {shortHash(file.sha256)}
                      </span>
                    </>
                  }
                />
                <Typography variant="button" color="primary" sx={{ ml: 2, flexShrink: 0 }}>
                  Preview
                </Typography>
              </ListItemButton>
            </ListItem>
          );
        })}
      </List>
    </Paper>
  );
}

/** A link or other non-file the run left: named with why it was not read, and not clickable. */
function SkippedItem({ entry, divider }: { entry: SkippedOutput; divider: boolean }) {
  return (
    <ListItem divider={divider} data-testid={`output-skipped-${entry.name}`}>
      <ListItemIcon sx={{ minWidth: 36 }}>
        <LinkOffOutlined fontSize="small" color="warning" />
      </ListItemIcon>
      <ListItemText primary={entry.name} secondary={entry.note} />
    </ListItem>
  );
}
