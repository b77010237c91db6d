import {
  Alert,
  Box,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
} from '@mui/material';
import { useState } from 'react';
import { ApiError, getJson, postJson } from './api';
import { formatTime, useLoad } from './common';
import { TablePage, type Column } from './table-page';
import type { DeviceInfo, Role } from './types';

type Change = { action: 'approve' | 'revoke'; source: string };

const standing = (device: DeviceInfo) =>
  device.keys.some((k) => k.status === 'pending')
    ? 'pending'
    : device.keys.some((k) => k.status === 'active')
      ? 'known'
      : 'revoked';

const COLUMNS: Column<DeviceInfo>[] = [
  { label: 'Device', cell: (device) => device.source },
  {
    label: 'Standing',
    cell: (device) => {
      const state = standing(device);
      const color = state === 'pending' ? 'warning' : state === 'revoked' ? 'error' : 'success';
      return <Chip size="small" label={state} color={color} />;
    },
  },
  {
    label: 'Keys',
    cell: (device) => device.keys.map((key) => `${key.key.slice(0, 10)}… ${key.status}`).join(', '),
  },
  { label: 'Events', cell: (device) => device.events },
  { label: 'Flags', cell: (device) => device.flags },
  { label: 'Last seen', cell: (device) => formatTime(device.lastSeen) },
  { label: 'Backlog', cell: (device) => device.backlog ?? 'not reported' },
];

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
  const actions: Column<DeviceInfo> = {
    label: 'Actions',
    cell: (device) => {
      const state = standing(device);
      return (
        <Box sx={{ whiteSpace: 'nowrap' }}>
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
        </Box>
      );
    },
  };

  return (
    <TablePage
      title="Devices"
      loaded={devices}
      rowsOf={(value) => value.devices}
      label="Devices"
      testId="devices-table"
      empty="No device has sent events yet."
      rowKey={(device) => device.source}
      rowProps={(device) => ({
        'data-testid': `device-row-${device.source}`,
        'data-standing': standing(device),
      })}
      columns={role === 'admin' ? [...COLUMNS, actions] : COLUMNS}
      above={
        done && (
          <Alert severity="success" sx={{ mb: 2 }} data-testid="device-change-done">
            {done}
          </Alert>
        )
      }
      below={
        <>
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
        </>
      }
    />
  );
}
