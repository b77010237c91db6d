import { ApiFailure } from '../contract/errors.js';
import { inputsProblem } from '../shared/input-limits.js';

/**
 * Refuses inputs over `INPUT_LIMITS` as `invalid_inputs`, before anything recurses into them (the
 * schema check, redaction, hashing and writing them all do). Whatever carried them (IPC, HTTP, the
 * CLI), a deep or huge value becomes this one clear refusal, never a stack overflow.
 */
export function assertInputBounds(inputs: Record<string, unknown>): void {
  const problem = inputsProblem(inputs);
  if (!problem) return;
  const message = problem.message.charAt(0).toUpperCase() + problem.message.slice(1);
  throw new ApiFailure('invalid_inputs', message, [problem]);
}
