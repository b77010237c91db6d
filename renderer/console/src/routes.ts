import { useEffect, useState } from 'react';

/** The console's places, addressed by the fragment so the server serves one page for all. */
export type Place =
  | { name: 'runs' }
  | { name: 'run'; device: string; run: string }
  | { name: 'integrity' }
  | { name: 'devices' }
  | { name: 'insights' }
  | { name: 'alerts' }
  | { name: 'admin-log' };

export function placeOf(hash: string): Place {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  switch (parts[0]) {
    case 'run':
      return parts.length === 3
        ? { name: 'run', device: parts[1]!, run: parts[2]! }
        : { name: 'runs' };
    case 'integrity':
    case 'devices':
    case 'insights':
    case 'alerts':
    case 'admin-log':
      return { name: parts[0] };
    default:
      return { name: 'runs' };
  }
}

export function hrefOf(place: Place): string {
  return place.name === 'run'
    ? `#/run/${encodeURIComponent(place.device)}/${encodeURIComponent(place.run)}`
    : `#/${place.name}`;
}

/** The place the address names, following the back and forward buttons. */
export function usePlace(): Place {
  const [place, setPlace] = useState(() => placeOf(window.location.hash));
  useEffect(() => {
    const follow = () => setPlace(placeOf(window.location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return place;
}
