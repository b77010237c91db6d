/** A JSON Schema `time`: hours, minutes, optional seconds and fraction, optional zone. */
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/i;
const DAY_MINUTES = 24 * 60;
const two = (n: number) => String(n).padStart(2, '0');

/** `minutes` east of UTC as RFC 3339 writes a zone: "Z", "+01:00", "-05:30". */
export function zoneText(minutes: number): string {
  if (minutes === 0) return 'Z';
  const whole = Math.abs(minutes);
  return `${minutes > 0 ? '+' : '-'}${two(Math.floor(whole / 60))}:${two(whole % 60)}`;
}

/** Minutes east of UTC of a zone as RFC 3339 writes it. */
function zoneMinutes(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const minutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
  return zone.startsWith('-') ? -minutes : minutes;
}

/**
 * What the time input shows for `value`: its clock time in the zone `localMinutes` east of UTC
 * ("18:00:00+01:00" is "18:00:00" at +01:00 and "17:00:00" in UTC); a time without a zone as it
 * is; anything else nothing.
 */
export function clockOf(value: unknown, localMinutes: number): string {
  const match = typeof value === 'string' ? TIME.exec(value) : null;
  if (!match) return '';
  const [, hours, minutes, seconds = '00', fraction = '', zone] = match;
  if (!zone) return `${hours}:${minutes}:${seconds}${fraction}`;
  const shifted =
    (((Number(hours) * 60 + Number(minutes) - zoneMinutes(zone) + localMinutes) % DAY_MINUTES) +
      DAY_MINUTES) %
    DAY_MINUTES;
  return `${two(Math.floor(shifted / 60))}:${two(shifted % 60)}:${seconds}${fraction}`;
}

/** The value for a clock time the user picked ("18:00") in the zone `localMinutes` east of UTC. */
export function timeOf(clock: string, localMinutes: number): string | undefined {
  const match = TIME.exec(clock);
  if (!match) return undefined;
  const [, hours, minutes, seconds = '00', fraction = ''] = match;
  return `${hours}:${minutes}:${seconds}${fraction}${zoneText(localMinutes)}`;
}
