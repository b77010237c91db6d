import type { EnvironmentState, ScriptSummary } from '../contract/api.js';
import type { ScriptManifest } from './manifest.js';

/** A manifest as the UI lists it. */
export function summarise(
  m: ScriptManifest,
  environment: EnvironmentState = { state: 'pending', message: null },
): ScriptSummary {
  return {
    id: m.id,
    title: m.title,
    summary: m.summary,
    category: m.category,
    version: m.version,
    destructive: m.destructive,
    supportsDryRun: m.supportsDryRun,
    requireReason: m.requireReason,
    scheduling: m.scheduling !== false,
    secrets: [...m.secrets],
    environment,
  };
}
