import type { ScriptManifest } from './manifest.js';

/**
 * True when `user` may see and run a script: named in `allowed.users`, or a member of a group in
 * `allowed.groups` (groups come from the signed catalogue). `"*"` means everyone.
 */
export function isPermitted(
  manifest: ScriptManifest,
  groups: Record<string, string[]>,
  user: string,
): boolean {
  if (manifest.allowed.users.includes('*') || manifest.allowed.users.includes(user)) return true;
  return manifest.allowed.groups.some((group) => {
    const members = groups[group] ?? [];
    return members.includes('*') || members.includes(user);
  });
}
