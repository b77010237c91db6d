import {
  Alert,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  Paper,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
} from '@mui/material';
import { useState } from 'react';
import { ApiError, getJson, postJson } from './api';
import { formatTime, Page, useLoad } from './common';
import type { DeviceInfo, Role } from './types';

type Change = { action: 'approve' | 'revoke'; source: string };

/** Devices and their keys; admins approve or revoke them after a confirmation. */
export function DevicesPage({ role }: { role: Role }) {
  const devices = useLoad(() => getJson<{ devices: DeviceInfo[] }>('devices'), 'devices');
  const [asked, setAsked] = useState<Change>();
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<string>();
  const confirm = async () => {
    if (!asked) return;
    setError(undefined);
    try {
      const answer = await postJson<{ changed: { key: string; status: string }[] }>(
        `devices/${asked.action}`,
        { source: asked.source },
      );
      setDone(
        `${asked.source}: ${answer.changed.length === 0 ? 'nothing to change' : answer.changed.map((c) => c.status).join(', ')}`,
      );
      setAsked(undefined);
      devices.reload();
    } catch (caught) {
      setError(
        caught instanceof ApiError ? caught.message : 'The console could not reach its server.',
      );
    }
  };
  const standing = (device: DeviceInfo) =>
    device.keys.some((k) => k.status === 'pending')
      ? 'pending'
      : device.keys.some((k) => k.status === 'active')
        ? 'known'
        : 'revoked';

  return (
    <Page title="Devices" loaded={devices}>
      {done && (
        <Alert severity="success" sx={{ mb: 2 }} data-testid="device-change-done">
          {done}
        </Alert>
      )}
      {devices.value && (
        <TableContainer component={Paper}>
          <Table size="small" aria-label="Devices">
            <TableHead>
              <TableRow>
                <TableCell>Device</TableCell>
                <TableCell>Standing</TableCell>
                <TableCell>Keys</TableCell>
                <TableCell>Events</TableCell>
                <TableCell>Flags</TableCell>
                <TableCell>Last seen</TableCell>
                <TableCell>Backlog</TableCell>
                {role === 'admin' && <TableCell>Actions</TableCell>}
              </TableRow>
            </TableHead>
            <TableBody>
              {devices.value.devices.map((device) => {
                const state = standing(device);
                return (
                  <TableRow
                    key={device.source}
                    data-testid={`device-row-${device.source}`}
                    data-standing={state}
                  >
                    <TableCell>{device.source}</TableCell>
                    <TableCell>
                      <Chip
                        size="small"
                        label={state}
                        color={
                          state === 'pending'
                            ? 'warning'
                            : state === 'revoked'
                              ? 'error'
                              : 'success'
                        }
                      />
                    </TableCell>
                    <TableCell>
                      {device.keys
                        .map((key) => `${key.key.slice(0, 10)}… ${key.status}`)
                        .join(', ')}
                    </TableCell>
                    <TableCell>{device.events}</TableCell>
                    <TableCell>{device.flags}</TableCell>
                    <TableCell>{formatTime(device.lastSeen)}</TableCell>
                    <TableCell>{device.backlog ?? 'not reported'}</TableCell>
                    {role === 'admin' && (
                      <TableCell sx={{ whiteSpace: 'nowrap' }}>
                        {state === 'pending' && (
                          <Button
                            size="small"
                            variant="contained"
                            onClick={() => setAsked({ action: 'approve', source: device.source })}
                            data-testid={`approve-${device.source}`}
                          >
                            Approve
                          </Button>
                        )}{' '}
                        {state !== 'revoked' && (
                          <Button
                            size="small"
                            color="error"
                            onClick={() => setAsked({ action: 'revoke', source: device.source })}
                            data-testid={`revoke-${device.source}`}
                          >
                            Revoke
                          </Button>
                        )}
                      </TableCell>
                    )}
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      <Dialog
        open={asked !== undefined}
        onClose={() => setAsked(undefined)}
        aria-labelledby="confirm-title"
      >
        <DialogTitle id="confirm-title">
          {asked?.action === 'approve' ? 'Approve' : 'Revoke'} {asked?.source}?
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            {asked?.action === 'approve'
              ? 'Its pending keys become active: the events it holds back are accepted from now on.'
              : 'Every key of the device is revoked: its events are refused and verify lists those it signed.'}{' '}
            The change is written to the admin log.
          </DialogContentText>
          {error && (
            <Alert severity="error" sx={{ mt: 2 }}>
              {error}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setAsked(undefined)}>Cancel</Button>
          <Button
            variant="contained"
            color={asked?.action === 'revoke' ? 'error' : 'primary'}
            onClick={confirm}
            data-testid="confirm-change"
          >
            {asked?.action === 'approve' ? 'Approve' : 'Revoke'}
          </Button>
        </DialogActions>
      </Dialog>
    </Page>
  );
}
