const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/** A byte count as a person reads it: `512 B`, `1.5 KB`, `25 MB` (binary multiples, as file managers show them). */
export function formatByteSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(bytes || 0))} B`;
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value < 10 && !Number.isInteger(value) ? 1 : 0;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}
