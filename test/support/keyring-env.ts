import { inject } from 'vitest';

// Runs in every test worker before its tests (vitest `setupFiles`): this process and everything it
// spawns use the private keyring started by keyring-global-setup.ts, never the developer's own.
Object.assign(process.env, inject('privateKeyringEnv'));
