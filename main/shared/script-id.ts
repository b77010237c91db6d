/**
 * A script's id in the catalogue: lower-case letters, digits and dashes, 1 to 64 characters,
 * not starting with a dash. It names a folder and appears in addresses, so nothing else is let in.
 */
export const SCRIPT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
