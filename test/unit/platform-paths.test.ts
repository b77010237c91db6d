import { describe, expect, it } from 'vitest';
import type { OsName } from '../../main/platform/os.js';
import {
  checkPathShape,
  comparableExtension,
  hasAcceptedExtension,
} from '../../main/platform/path-rules.js';

// What a careful user of each OS expects a file input to accept, judged here on Linux by the same
// functions the runner calls with the host's OS. `ok` gives the path main goes on with.

type Case = [OsName, string, { ok: string } | { problem: RegExp }, boolean?];

const cases: Case[] = [
  // Linux and macOS
  ['linux', '/home/ana/sales.csv', { ok: '/home/ana/sales.csv' }],
  ['linux', '/home/ana/Ventes été.csv', { ok: '/home/ana/Ventes été.csv' }],
  ['linux', 'sales.csv', { problem: /must be a full path \(starting with \/\)/ }],
  ['linux', './sales.csv', { problem: /must be a full path/ }],
  ['linux', '~/sales.csv', { problem: /must be a full path/ }],
  ['linux', 'C:\\data\\sales.csv', { problem: /must be a full path/ }],
  ['linux', '', { problem: /is empty/ }],
  ['linux', '/home/ana/sales\n.csv', { problem: /control character/ }],
  ['linux', '/home/ana/sales\u0000.csv', { problem: /control character/ }],
  ['linux', '/home/ana/file.csv:secret', { ok: '/home/ana/file.csv:secret' }],
  ['linux', '/home/ana/CON', { ok: '/home/ana/CON' }],
  ['darwin', '/Users/ana/sales.csv', { ok: '/Users/ana/sales.csv' }],
  ['darwin', '/Volumes/Share/sales.csv', { ok: '/Volumes/Share/sales.csv' }],
  ['darwin', 'Users/ana/sales.csv', { problem: /must be a full path/ }],
  ['darwin', '/Users/ana/trailing. ', { ok: '/Users/ana/trailing. ' }],
  // Windows: drives
  ['win32', 'C:\\Users\\ana\\sales.csv', { ok: 'C:\\Users\\ana\\sales.csv' }],
  ['win32', 'c:/Users/ana/sales.csv', { ok: 'c:\\Users\\ana\\sales.csv' }],
  ['win32', 'D:\\a\\..\\b\\sales.csv', { ok: 'D:\\b\\sales.csv' }],
  ['win32', 'C:sales.csv', { problem: /must be a full path \(starting with a drive letter/ }],
  ['win32', '\\Users\\ana\\sales.csv', { problem: /must be a full path/ }],
  ['win32', 'sales.csv', { problem: /must be a full path/ }],
  ['win32', '/home/ana/sales.csv', { problem: /must be a full path/ }],
  // Windows: network shares, by policy
  [
    'win32',
    '\\\\server\\share\\sales.csv',
    { problem: /network share \(\\\\server\\share\).*ask IT/ },
  ],
  ['win32', '\\\\server\\share\\sales.csv', { ok: '\\\\server\\share\\sales.csv' }, true],
  ['win32', '//server/share/sales.csv', { problem: /network share/ }],
  ['win32', '\\\\server', { problem: /must name a server, a share and a file/ }, true],
  // Windows: long and device-namespace paths
  ['win32', '\\\\?\\C:\\very\\long\\path\\sales.csv', { ok: 'C:\\very\\long\\path\\sales.csv' }],
  ['win32', '\\\\?\\UNC\\server\\share\\sales.csv', { problem: /network share/ }],
  ['win32', '\\\\?\\UNC\\server\\share\\sales.csv', { ok: '\\\\server\\share\\sales.csv' }, true],
  ['win32', '\\\\.\\C:\\sales.csv', { problem: /Windows device or volume/ }],
  ['win32', '\\\\.\\PhysicalDrive0', { problem: /Windows device or volume/ }],
  [
    'win32',
    '\\\\?\\GLOBALROOT\\Device\\HarddiskVolume1\\x.csv',
    { problem: /Windows device or volume/ },
  ],
  ['win32', '\\??\\C:\\sales.csv', { problem: /Windows device or volume/ }],
  // Windows: device names, with or without extension, in any folder, any case
  ['win32', 'C:\\data\\CON', { problem: /names the Windows device CON/ }],
  ['win32', 'C:\\data\\nul.csv', { problem: /names the Windows device NUL/ }],
  ['win32', 'C:\\data\\COM1.csv', { problem: /device COM1/ }],
  ['win32', 'C:\\data\\lpt1', { problem: /device LPT1/ }],
  ['win32', 'C:\\data\\LPT¹.txt', { problem: /device LPT¹/ }],
  ['win32', 'C:\\aux\\sales.csv', { problem: /device AUX/ }],
  ['win32', 'C:\\data\\CON .csv', { problem: /device CON/ }],
  ['win32', 'C:\\data\\console.csv', { ok: 'C:\\data\\console.csv' }],
  ['win32', 'C:\\data\\COM10.csv', { ok: 'C:\\data\\COM10.csv' }],
  // Windows: names the OS would silently change
  ['win32', 'C:\\data\\sales.csv.', { problem: /ending in a dot or a space/ }],
  ['win32', 'C:\\data\\sales.csv ', { problem: /ending in a dot or a space/ }],
  ['win32', 'C:\\data.\\sales.csv', { problem: /ending in a dot or a space/ }],
  // Windows: alternate data streams and forbidden characters
  [
    'win32',
    'C:\\data\\sales.csv:secret',
    { problem: /alternate data stream \("sales.csv:secret"\)/ },
  ],
  ['win32', 'C:\\data\\sales.csv::$DATA', { problem: /alternate data stream/ }],
  ['win32', 'C:\\data\\sa*les.csv', { problem: /contains "\*"/ }],
  ['win32', 'C:\\data\\what?.csv', { problem: /contains "\?"/ }],
  ['win32', 'C:\\data\\a|b.csv', { problem: /contains "\|"/ }],
  ['win32', 'C:\\data\\tab\there.csv', { problem: /control character/ }],
];

describe('file input paths by each OS’s rules', () => {
  it('covers at least 40 cases across the three OSes', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map(([os]) => os))).toEqual(new Set(['linux', 'darwin', 'win32']));
  });

  it.each(cases)('%s: %j → %j (network allowed: %s)', (os, value, expected, network = false) => {
    const shape = checkPathShape(os, value, { allowNetworkPaths: network });
    if ('ok' in expected) expect(shape).toMatchObject({ ok: true, path: expected.ok });
    else {
      expect(shape.ok).toBe(false);
      if (!shape.ok) expect(shape.problem).toMatch(expected.problem);
    }
  });

  it('marks a share main let through as a network path', () => {
    expect(
      checkPathShape('win32', '\\\\srv\\data\\x.csv', { allowNetworkPaths: true }),
    ).toMatchObject({ ok: true, network: true });
    expect(checkPathShape('win32', 'C:\\x.csv', { allowNetworkPaths: true })).toMatchObject({
      ok: true,
      network: false,
    });
  });
});

describe('extensions compared as people mean them', () => {
  const decomposed = '/Users/ana/rapport.caf\u0065\u0301'; // "café" as macOS stores it (NFD)
  it.each([
    ['win32', 'C:\\data\\SALES.CSV', ['.csv'], true],
    ['linux', '/data/sales.CsV', ['.csv'], true],
    ['darwin', '/Users/ana/sales.XLSX', ['.csv', '.xlsx'], true],
    ['darwin', decomposed, ['.café'], true],
    ['darwin', '/Users/ana/rapport.café', ['.cafe\u0301'], true],
    ['linux', '/data/sales.csv.exe', ['.csv'], false],
    ['linux', '/data/csv', ['.csv'], false],
    ['win32', 'C:\\data\\sales.tsv', ['.csv'], false],
  ] as const)('%s: %s against %j → %s', (os, file, accept, expected) => {
    expect(hasAcceptedExtension(os, file, accept)).toBe(expected);
  });

  it('gives the extension lower case and composed', () => {
    expect(comparableExtension('darwin', decomposed)).toBe('.caf\u00e9');
    expect(comparableExtension('win32', 'C:\\A\\B.TXT')).toBe('.txt');
  });
});
