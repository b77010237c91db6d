// First: makes Zod jitless before the contract below builds its schemas.
import './zod-jitless.js';

/**
 * The contract's runtime values the page uses. Import them from here, never from
 * `main/contract/api.ts` directly: this module makes Zod jitless before the contract's schemas
 * are built, and keeps Zod out of the first screen's code (only the event stream and the secret
 * dialog, both loaded later, need it).
 */
export { eventSchemas, MAX_SECRET_CHARS } from '../../main/contract/api.js';
