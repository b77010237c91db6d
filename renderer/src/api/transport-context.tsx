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

/**
 * Calls `listener` for every pushed event while the component is mounted, and `onOpen` each time
 * events start to flow (again), when anything read earlier may have missed a change (always the
 * latest of both).
 */
export function useApiEvents(listener: (event: ApiEvent) => void, onOpen?: () => void): void {
  const transport = useTransport();
  const latest = useRef({ listener, onOpen });
  useEffect(() => {
    latest.current = { listener, onOpen };
  });
  useEffect(
    () =>
      transport.subscribe(
        (event) => latest.current.listener(event),
        () => latest.current.onOpen?.(),
      ),
    [transport],
  );
}
