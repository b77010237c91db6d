import InsertDriveFileOutlined from '@mui/icons-material/InsertDriveFileOutlined';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import type { OutputFile } from '../../../main/contract/api.js';
import { formatByteSize, shortHash } from '../common/format.js';
import { monospaceFont } from '../theme.js';

/** The files a run produced; choosing one opens its preview. */
export function OutputList({
  outputs,
  onOpen,
}: {
  outputs: readonly OutputFile[];
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
        {outputs.map((file, index) => (
          <ListItemButton
            key={file.name}
            divider={index < outputs.length - 1}
            onClick={() => onOpen(file)}
            data-testid={`output-file-${file.name}`}
            aria-label={`Preview ${file.name}`}
          >
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
        ))}
      </List>
    </Paper>
  );
}
