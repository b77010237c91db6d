import { PresetNameSchema } from './preset-name.js';
import { SCRIPT_ID_PATTERN } from './script-id.js';

/**
 * ScriptDesk's links, `scriptdesk://script/<id>?preset=<name>`: they open a script's form, filled
 * from one of its presets, and never run anything. A link comes from outside (another program, a
 * web page, the command line of a second launch), so it is judged here, by text alone, before the
 * app acts on it; the shell and the page's address (`#/scripts/<id>?preset=<name>`) share the rules.
 */

/** The URL scheme the installers register for the app. */
export const DEEP_LINK_SCHEME = 'scriptdesk';
/** Longest link accepted: an id (64) and a preset name (80, up to 12 bytes each encoded) fit. */
export const MAX_DEEP_LINK_LENGTH = 1_200;

/** What a link asks for: a script's form, and the preset to fill it from (null: none named). */
export interface ScriptLink {
  scriptId: string;
  preset: string | null;
}

/** A link judged: what it opens, or why it opens nothing, in plain words. */
export type LinkCheck = { ok: true; link: ScriptLink } | { ok: false; reason: string };

const PREFIX = `${DEEP_LINK_SCHEME}://`;
const LINK_SHAPE = `${PREFIX}script/<script id>?preset=<preset name>`;
// eslint-disable-next-line no-control-regex -- whitespace and control characters are what is refused
const BLANK_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]/;

function refuse(reason: string): LinkCheck {
  return { ok: false, reason };
}

/**
 * Judges `raw` as a ScriptDesk link. Refused: anything but a string of at most
 * {@link MAX_DEEP_LINK_LENGTH} characters with no spaces or control characters; another scheme;
 * a user name, password or port; a fragment; any host but `script`; any path but one script id
 * (an optional trailing `/` aside); any query but one `preset`. The reasons never repeat the link,
 * which may hold anything.
 */
export function parseDeepLink(raw: unknown): LinkCheck {
  if (typeof raw !== 'string') return refuse('the link is not text');
  if (raw.length > MAX_DEEP_LINK_LENGTH)
    return refuse(`the link is longer than ${MAX_DEEP_LINK_LENGTH} characters`);
  if (BLANK_OR_CONTROL.test(raw))
    return refuse(
      'the link has spaces or control characters in it; a space in a preset name is written %20',
    );
  if (raw.slice(0, PREFIX.length).toLowerCase() !== PREFIX)
    return refuse(`it is not a ScriptDesk link (${LINK_SHAPE})`);
  if (raw.includes('#')) return refuse('the link has a # part; ScriptDesk links have none');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse(`the link is not a valid address (${LINK_SHAPE})`);
  }
  // `scriptdesk://:@script/…` parses with an empty user name, so the authority's text is read too.
  const authority = raw.slice(PREFIX.length).split(/[/?]/, 1)[0]!;
  if (url.username !== '' || url.password !== '' || authority.includes('@'))
    return refuse('the link has a user name or password in it; ScriptDesk links never do');
  if (url.port !== '') return refuse('the link names a port; ScriptDesk links never do');
  if (url.hostname.toLowerCase() !== 'script' || authority.toLowerCase() !== 'script')
    return refuse(`ScriptDesk links open a script: ${LINK_SHAPE}`);
  // The path as written: the parser would resolve `a/../b` to `b`, and no such link is made.
  const rawPath = raw.slice(PREFIX.length + authority.length).split('?', 1)[0]!;
  const segments = rawPath.replace(/\/$/, '').split('/');
  if (segments.length !== 2 || segments[0] !== '')
    return refuse(`the link must name one script: ${LINK_SHAPE}`);
  return checkScriptLink(segments[1]!, url.search);
}

/**
 * Judges a script id and a query (`?preset=<name>`, or empty) as the address of a script's form:
 * the id must follow the catalogue's id rule, the query may hold one `preset`, a valid preset name.
 */
export function checkScriptLink(scriptId: string, query: string): LinkCheck {
  if (!SCRIPT_ID_PATTERN.test(scriptId))
    return refuse(
      'the script id in the link is not valid (lower-case letters, digits and dashes, up to 64)',
    );
  const preset = presetFromQuery(query);
  return preset.ok ? { ok: true, link: { scriptId, preset: preset.name } } : preset;
}

/** The preset a query names (null: none), or why the query is refused. */
export function presetFromQuery(
  query: string,
): { ok: true; name: string | null } | { ok: false; reason: string } {
  const params = new URLSearchParams(query);
  const keys = [...params.keys()];
  if (keys.some((key) => key !== 'preset'))
    return { ok: false, reason: 'the link asks for something other than a preset' };
  if (keys.length > 1) return { ok: false, reason: 'the link names more than one preset' };
  const given = params.get('preset');
  if (given === null) return { ok: true, name: null };
  const name = PresetNameSchema.safeParse(given);
  if (!name.success)
    return {
      ok: false,
      reason: `the preset name in the link is not valid: ${name.error.issues[0]?.message ?? 'it cannot be read'}`,
    };
  return { ok: true, name: name.data };
}

/** The page's address (hash) of a script's form, filled from `preset` when one is named. */
export function scriptPageHash(scriptId: string, preset?: string | null): string {
  const page = `#/scripts/${encodeURIComponent(scriptId)}`;
  return preset ? `${page}?preset=${encodeURIComponent(preset)}` : page;
}
