/**
 * JSON with object keys sorted at every level, so equal values always serialise (and hash) the
 * same. Otherwise exactly `JSON.stringify`: the same escapes and number forms, `toJSON` honoured,
 * undefined and functions left out of objects and written as null in arrays.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value) as string;
}

function serialise(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && 'toJSON' in value) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = (toJSON as () => unknown).call(value);
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => serialise(item) ?? 'null').join(',')}]`;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const text = serialise(record[key]);
    if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}
