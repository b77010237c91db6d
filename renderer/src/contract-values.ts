import { z } from 'zod';

// The page's CSP has no 'unsafe-eval'. Zod otherwise probes `Function('')` when it builds an
// object schema (to use compiled parsers), which the browser blocks and reports as a CSP
// violation. The page parses only small event payloads, so plain parsing costs nothing here.
// Set here, before the contract below is evaluated: ES modules run their imports in order.
z.config({ jitless: true });

/**
 * The contract's runtime values the page uses. Import them from here, never from
 * `main/contract/api.ts` directly: this module makes Zod jitless before the contract's schemas
 * are built, and keeps Zod out of the entry script (only the event stream and the secret dialog,
 * both loaded later, need it).
 */
export { eventSchemas, MAX_SECRET_CHARS } from '../../main/contract/api.js';
