import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import type { ApiEvent } from '../../../main/contract/api.js';
import type { Transport } from '../../../main/contract/transport.js';

const TransportContext = createContext<Transport | null>(null);

/** Makes `transport` the only way the components below talk to main. */
export function TransportProvider({
  transport,
  children,
}: {
  transport: Transport;
  children: ReactNode;
}) {
  return <TransportContext.Provider value={transport}>{children}</TransportContext.Provider>;
}

/** The transport given to {@link TransportProvider}. */
export function useTransport(): Transport {
  const transport = useContext(TransportContext);
  if (!transport) throw new Error('useTransport() is used outside <TransportProvider>.');
  return transport;
}

/** Calls `listener` for every pushed event while the component is mounted (always the latest `listener`). */
export function useApiEvents(listener: (event: ApiEvent) => void): void {
  const transport = useTransport();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => transport.subscribe((event) => latest.current(event)), [transport]);
}
