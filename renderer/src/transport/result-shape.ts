import type { Result } from '../../../main/contract/errors.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** True when `body` has the shape of a {@link Result}, as every API answer must. */
export function isResult(body: unknown): body is Result<unknown> {
  if (!isRecord(body)) return false;
  if (body.ok === true) return 'value' in body;
  if (body.ok !== false || !isRecord(body.error)) return false;
  return typeof body.error.code === 'string' && typeof body.error.message === 'string';
}
