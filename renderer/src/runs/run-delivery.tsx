import { useState } from 'react';
import type { RunDelivery } from '../../../main/contract/api.js';
import { useApiEvents, useTransport } from '../api/transport-context.js';

/** What each delivery state means to the person reading the run. */
const DELIVERY_WORDS: Record<RunDelivery['state'], string> = {
  local: 'Kept in this computer’s journal (no audit endpoint is set up)',
  pending: 'Waiting to be sent to the audit endpoint',
  delivered: 'Delivered to the audit endpoint',
  refused: 'Refused by the audit endpoint: your administrator can see why',
  unknown: 'No longer in this computer’s journal',
};

/**
 * Where the run's audit record is, from `run.get`, asked again whenever a delivery attempt ends
 * (the `audit.status` event), so "waiting" turns into "delivered" in front of the user.
 */
export function RunDeliveryState({ runId, initial }: { runId: string; initial: RunDelivery }) {
  const transport = useTransport();
  const [delivery, setDelivery] = useState({ runId, value: initial });
  const current = delivery.runId === runId ? delivery.value : initial;
  const ask = () =>
    void transport.call('run.delivery', { runId }).then((result) => {
      if (result.ok) setDelivery({ runId, value: result.value });
    });
  useApiEvents((event) => {
    if (event.name === 'audit.status') ask();
  }, ask);
  return (
    <span data-testid="run-delivery" data-state={current.state}>
      {DELIVERY_WORDS[current.state]}
    </span>
  );
}
