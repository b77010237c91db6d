import { pathsOf, type OsName } from './os.js';

/** What the machine policy lets through. */
export interface PathRuleOptions {
  /** Windows UNC paths (`\\server\share\…`); refused unless the machine policy allows them. */
  allowNetworkPaths: boolean;
}

export type PathShape =
  { ok: true; path: string; network: boolean } | { ok: false; problem: string };

/** Names Windows gives to devices in every folder, with or without an extension. */
const WINDOWS_DEVICES = new Set([
  'CON',
  'PRN',
  'AUX',
  'NUL',
  'CONIN$',
  'CONOUT$',
  ...[...'0123456789¹²³'].flatMap((digit) => [`COM${digit}`, `LPT${digit}`]),
]);

/** Characters Windows refuses in a file or folder name (besides `:` and control characters). */
const WINDOWS_FORBIDDEN = /[<>"|?*]/;

// eslint-disable-next-line no-control-regex -- control characters are what this finds
const CONTROL = /[\u0000-\u001f\u007f]/;

const refuse = (problem: string): PathShape => ({ ok: false, problem });

/**
 * The shape of a path a user typed, dropped or chose for a file input, judged by `os`'s rules
 * before the file system is asked anything (the caller then resolves links and junctions with
 * `realpath` and judges the real path again, so a link cannot lead around these rules):
 *
 * - every OS: not empty, no control characters, absolute;
 * - Windows: a drive (`C:\…`) or, when the policy allows network paths, a UNC share
 *   (`\\server\share\…`); `\\?\C:\…` long paths and `\\?\UNC\…` accepted as what they name,
 *   other `\\?\` and `\\.\` device paths refused; no device names (`CON`, `NUL`, `COM1`, `LPT1`,
 *   with or without extension), no name ending in a dot or a space (Windows drops them, so
 *   another file would open than the one named), no alternate data stream (`file.csv:secret`),
 *   none of `<>"|?*`. `/` counts as `\`.
 *
 * Returns the path to use (normalised on Windows) or the problem, worded to follow the field's
 * name ("must be a full path…").
 */
export function checkPathShape(os: OsName, value: string, options: PathRuleOptions): PathShape {
  if (value === '') return refuse('is empty; choose a file');
  if (CONTROL.test(value))
    return refuse(
      'contains a control character, which no real file name holds; choose the file again',
    );
  return os === 'win32' ? windowsShape(value, options) : posixShape(value);
}

function posixShape(value: string): PathShape {
  if (!value.startsWith('/')) return refuse('must be a full path (starting with /)');
  return { ok: true, path: value, network: false };
}

function windowsShape(value: string, options: PathRuleOptions): PathShape {
  let text = value.replaceAll('/', '\\');
  // `\\?\` (Win32 long path), `\\.\` (device namespace) and `\??\` (the NT object namespace).
  const prefix = /^(\\\\[?.]\\|\\\?\?\\)/.exec(text)?.[0];
  if (prefix) {
    const rest = text.slice(prefix.length);
    const longPath = prefix === '\\\\?\\';
    if (longPath && /^UNC\\/i.test(rest)) text = `\\\\${rest.slice(4)}`;
    else if (longPath && /^[A-Za-z]:\\/.test(rest)) text = rest;
    else
      return refuse(
        `names a Windows device or volume (${value.slice(0, 40)}), not a file on a drive; choose the file through its drive letter`,
      );
  }
  let root: string;
  let network = false;
  const unc = /^\\\\([^\\]+)\\([^\\]+)(\\|$)/.exec(text);
  if (unc) {
    network = true;
    root = unc[0];
    if (!options.allowNetworkPaths)
      return refuse(
        `is on a network share (\\\\${unc[1]}\\${unc[2]}); copy the file to this computer first, or ask IT to allow network paths in the machine policy`,
      );
  } else if (text.startsWith('\\\\')) {
    return refuse('must name a server, a share and a file (\\\\server\\share\\file.csv)');
  } else if (/^[A-Za-z]:\\/.test(text)) {
    root = text.slice(0, 3);
  } else {
    return refuse('must be a full path (starting with a drive letter, such as C:\\)');
  }
  for (const name of text.slice(root.length).split('\\')) {
    if (name === '' || name === '.' || name === '..') continue;
    const problem = windowsNameProblem(name);
    if (problem) return refuse(problem);
  }
  return { ok: true, path: pathsOf('win32').normalize(text), network };
}

function windowsNameProblem(name: string): string | null {
  if (name.includes(':'))
    return `names an alternate data stream ("${name}") rather than a file; choose the file itself`;
  const forbidden = WINDOWS_FORBIDDEN.exec(name);
  if (forbidden)
    return `contains "${forbidden[0]}", which Windows does not allow in a file name ("${name}")`;
  if (/[. ]$/.test(name))
    return `has a name ending in a dot or a space ("${name}"), which Windows drops, so another file would open; rename it`;
  const device = (name.split('.')[0] ?? '').trimEnd().toUpperCase();
  if (WINDOWS_DEVICES.has(device))
    return `names the Windows device ${device} ("${name}"), not a file; rename the file`;
  return null;
}

/**
 * A file's extension as the checks compare it: lower case and in Unicode NFC, so `.CSV` matches
 * `.csv` and a name macOS stores decomposed (NFD, as HFS+ and many archives do) matches the same
 * name typed composed.
 */
export function comparableExtension(os: OsName, filePath: string): string {
  return pathsOf(os).extname(filePath).normalize('NFC').toLowerCase();
}

/** Whether `filePath`'s extension is one of `accept` (each like ".csv"), by the rule above. */
export function hasAcceptedExtension(
  os: OsName,
  filePath: string,
  accept: readonly string[],
): boolean {
  const extension = comparableExtension(os, filePath);
  return accept.some((candidate) => candidate.normalize('NFC').toLowerCase() === extension);
}
