import { describe, expect, it } from 'vitest';
import {
  inheritedVariableNames,
  scriptEnvironment,
  temporaryFolderVariables,
  toolEnvironment,
} from '../../main/platform/environment.js';
import { exitWords } from '../../main/platform/exit-words.js';
import { appFolders, keychainAdvice, machinePolicyFile } from '../../main/platform/folders.js';
import { osOf, variableOf, type OsName } from '../../main/platform/os.js';
import {
  descendantsIn,
  parsePsListing,
  signalTargetOf,
  treeStopPlan,
} from '../../main/platform/process-tree.js';
import { pythonOnPath, venvInterpreter } from '../../main/platform/python-layout.js';
import { statusFromExitCode } from '../../main/runs/run-outcome.js';

// Every OS's rules, run here on Linux: the functions take the OS as a parameter.

describe('the OS an app runs on', () => {
  it.each([
    ['linux', 'linux'],
    ['darwin', 'darwin'],
    ['win32', 'win32'],
    ['freebsd', 'linux'],
    ['aix', 'linux'],
  ] as const)('Node platform %s gets the %s rules', (platform, os) => {
    expect(osOf(platform)).toBe(os);
  });

  it('reads Windows variables whatever their case, and others exactly', () => {
    expect(variableOf('win32', { Path: 'C:\\x', SystemRoot: 'D:\\Win' }, 'SYSTEMROOT')).toBe(
      'D:\\Win',
    );
    expect(variableOf('linux', { home: '/h' }, 'HOME')).toBeUndefined();
    expect(variableOf('linux', { HOME: '' }, 'HOME')).toBeUndefined();
  });
});

describe('data, cache and log folders', () => {
  const cases: [OsName, Record<string, string>, string, ReturnType<typeof appFolders>][] = [
    [
      'linux',
      {},
      '/home/ana',
      {
        data: '/home/ana/.local/share/scriptdesk',
        cache: '/home/ana/.cache/scriptdesk',
        logs: '/home/ana/.local/state/scriptdesk/logs',
      },
    ],
    [
      'linux',
      { XDG_DATA_HOME: '/data', XDG_CACHE_HOME: '/cache', XDG_STATE_HOME: '/state' },
      '/home/ana',
      { data: '/data/scriptdesk', cache: '/cache/scriptdesk', logs: '/state/scriptdesk/logs' },
    ],
    [
      'linux',
      { XDG_DATA_HOME: 'relative/data' },
      '/home/ana',
      {
        data: '/home/ana/.local/share/scriptdesk',
        cache: '/home/ana/.cache/scriptdesk',
        logs: '/home/ana/.local/state/scriptdesk/logs',
      },
    ],
    [
      'darwin',
      {},
      '/Users/ana',
      {
        data: '/Users/ana/Library/Application Support/ScriptDesk',
        cache: '/Users/ana/Library/Caches/ScriptDesk',
        logs: '/Users/ana/Library/Logs/ScriptDesk',
      },
    ],
    [
      'win32',
      {
        LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local',
        APPDATA: 'C:\\Users\\ana\\AppData\\Roaming',
      },
      'C:\\Users\\ana',
      {
        data: 'C:\\Users\\ana\\AppData\\Local\\ScriptDesk',
        cache: 'C:\\Users\\ana\\AppData\\Local\\ScriptDesk\\Cache',
        logs: 'C:\\Users\\ana\\AppData\\Local\\ScriptDesk\\Logs',
      },
    ],
    [
      'win32',
      {},
      'C:\\Users\\ana',
      {
        data: 'C:\\Users\\ana\\AppData\\Local\\ScriptDesk',
        cache: 'C:\\Users\\ana\\AppData\\Local\\ScriptDesk\\Cache',
        logs: 'C:\\Users\\ana\\AppData\\Local\\ScriptDesk\\Logs',
      },
    ],
  ];
  it.each(cases)('%s with %j and home %s', (os, env, home, expected) => {
    expect(appFolders(os, env, home)).toEqual(expected);
  });

  it.each([
    ['linux', {}, '/etc/scriptdesk/policy.json'],
    ['darwin', {}, '/Library/Application Support/ScriptDesk/policy.json'],
    ['win32', {}, 'C:\\ProgramData\\ScriptDesk\\policy.json'],
    ['win32', { PROGRAMDATA: 'D:\\PD' }, 'D:\\PD\\ScriptDesk\\policy.json'],
  ] as const)('the machine policy on %s (%j) is %s', (os, env, expected) => {
    expect(machinePolicyFile(os, env)).toBe(expected);
  });

  it.each([
    ['linux', /gnome-keyring/],
    ['darwin', /Keychain Access/],
    ['win32', /Credential Manager/],
  ] as const)('an unreachable keychain on %s is explained in that OS’s words', (os, words) => {
    expect(keychainAdvice(os)).toMatch(words);
  });
});

describe('venv layout', () => {
  it.each([
    ['linux', '/v', '/v/bin/python'],
    ['darwin', '/v', '/v/bin/python'],
    ['win32', 'C:\\v', 'C:\\v\\Scripts\\python.exe'],
  ] as const)('on %s the interpreter of %s is %s', (os, dir, expected) => {
    expect(venvInterpreter(os, dir)).toBe(expected);
  });
});

describe('the Python found without a setting', () => {
  it.each([
    ['linux', 'python3', []],
    ['darwin', 'python3', []],
    ['win32', 'py', ['-3']],
  ] as const)('on %s is %s %j', (os, command, args) => {
    expect(pythonOnPath(os)).toMatchObject({ command, args });
  });
});

describe('the environment a script and a tool get', () => {
  const posixEnv = {
    HOME: '/home/ana',
    USER: 'ana',
    LANG: 'de_DE.UTF-8',
    PATH: '/home/ana/bin:/usr/bin',
    AWS_SECRET_ACCESS_KEY: 'x',
    SYSTEMROOT: 'C:\\Windows',
  };
  const windowsEnv = {
    SystemRoot: 'C:\\Windows',
    windir: 'C:\\Windows',
    PATHEXT: '.COM;.EXE;.BAT',
    USERPROFILE: 'C:\\Users\\ana',
    USERNAME: 'ana',
    Path: 'C:\\Users\\ana\\bin;C:\\Windows\\System32',
    AWS_SECRET_ACCESS_KEY: 'x',
    HOME: '/h',
  };

  it.each(['linux', 'darwin'] as const)(
    'on %s a script inherits only identity, locale and time zone, with the system PATH',
    (os) => {
      const env = scriptEnvironment(os, posixEnv);
      expect(Object.keys(env).sort()).toEqual(['HOME', 'LANG', 'PATH', 'USER']);
      expect(env.PATH).toBe(
        os === 'darwin' ? '/usr/bin:/bin:/usr/sbin:/sbin' : '/usr/local/bin:/usr/bin:/bin',
      );
    },
  );

  it('on Windows a script inherits what Windows needs, found in any case, and never the user PATH', () => {
    const env = scriptEnvironment('win32', windowsEnv);
    expect(env).toEqual({
      SYSTEMROOT: 'C:\\Windows',
      WINDIR: 'C:\\Windows',
      PATHEXT: '.COM;.EXE;.BAT',
      USERPROFILE: 'C:\\Users\\ana',
      USERNAME: 'ana',
      PATH: 'C:\\Windows\\System32;C:\\Windows;C:\\Windows\\System32\\Wbem',
    });
    for (const name of ['SYSTEMROOT', 'PATHEXT', 'USERPROFILE'])
      expect(inheritedVariableNames('win32')).toContain(name);
    for (const name of ['HOME', 'LANG']) expect(inheritedVariableNames('linux')).toContain(name);
  });

  it.each([
    ['linux', ['TMPDIR']],
    ['darwin', ['TMPDIR']],
    ['win32', ['TMPDIR', 'TEMP', 'TMP']],
  ] as const)('on %s the run folder is named by %j', (os, names) => {
    expect(temporaryFolderVariables(os)).toEqual(names);
  });

  it.each([
    ['linux', posixEnv, { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' }],
    ['darwin', posixEnv, { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', LANG: 'C.UTF-8' }],
    [
      'win32',
      windowsEnv,
      {
        PATH: 'C:\\Windows\\System32;C:\\Windows;C:\\Windows\\System32\\Wbem',
        PYTHONUTF8: '1',
        SYSTEMROOT: 'C:\\Windows',
      },
    ],
  ] as const)(
    'on %s pip and venv run with UTF-8 messages and a fixed PATH only',
    (os, env, expected) => {
      expect(toolEnvironment(os, env)).toEqual(expected);
    },
  );
});

describe('how a run’s whole tree is stopped', () => {
  it.each([
    [
      'linux',
      {
        ownProcessGroup: true,
        signalTarget: 'group',
        descendants: 'proc',
        readsMarker: true,
        identity: 'proc-start-time',
        bootstrapGuard: 'subreaper',
      },
    ],
    [
      'darwin',
      {
        ownProcessGroup: true,
        signalTarget: 'group',
        descendants: 'ps',
        readsMarker: false,
        identity: 'ps-start-time',
        bootstrapGuard: 'none',
      },
    ],
    [
      'win32',
      {
        ownProcessGroup: false,
        signalTarget: 'process',
        descendants: 'job-object',
        readsMarker: false,
        identity: 'pid-only',
        bootstrapGuard: 'job-object',
      },
    ],
  ] as const)('on %s the plan is %j', (os, plan) => {
    expect(treeStopPlan(os)).toEqual(plan);
    expect(signalTargetOf(os, 4242)).toBe(plan.signalTarget === 'group' ? -4242 : 4242);
  });

  it('reads a ps listing (BSD and procps shapes) and finds descendants by parent, nearest first', () => {
    const listing = parsePsListing(
      [
        '    1     0 Ss   Mon Dec  7 09:00:00 2026',
        '  500     1 S    Mon Dec  7 10:00:00 2026',
        '  501   500 S+   Mon Dec  7 10:00:01 2026',
        '  502   501 R    Mon Dec  7 10:00:02 2026',
        '  503     1 Ss   Mon Dec  7 10:00:03 2026',
        '  504   500 Z    Mon Dec  7 10:00:04 2026',
        'not a line of ps',
        '',
      ].join('\n'),
    );
    expect(listing).toHaveLength(6);
    expect(listing[1]).toEqual({
      pid: 500,
      ppid: 1,
      state: 'S',
      started: 'Mon Dec  7 10:00:00 2026',
    });
    expect(descendantsIn(listing, 500).map((entry) => entry.pid)).toEqual([501, 504, 502]);
    expect(descendantsIn(listing, 503)).toEqual([]);
  });
});

describe('how a run ended, in plain words', () => {
  it.each([
    [
      'win32',
      3221225477,
      null,
      '0xC0000005 (a crash: an access violation, reading or writing memory it does not own)',
    ],
    [
      'win32',
      -1073741819,
      null,
      '0xC0000005 (a crash: an access violation, reading or writing memory it does not own)',
    ],
    ['win32', 3221225786, null, '0xC000013A (Ctrl+C or its console window closing)'],
    ['win32', -1073741510, null, '0xC000013A (Ctrl+C or its console window closing)'],
    ['win32', 0xc00000fd, null, '0xC00000FD (a crash: a stack overflow, often endless recursion)'],
    [
      'win32',
      0xc0000409,
      null,
      '0xC0000409 (a stack buffer overrun: it ended itself on purpose after detecting corruption)',
    ],
    ['win32', 0xc0001234, null, '0xC0001234 (a Windows error status)'],
    ['win32', 1, null, null],
    ['win32', 300, null, null],
    ['linux', 3, null, null],
    [
      'linux',
      null,
      'SIGKILL',
      'the signal SIGKILL (a forced kill, often by the system running out of memory)',
    ],
    ['darwin', null, 'SIGSEGV', 'the signal SIGSEGV (a crash: a segmentation fault)'],
    ['linux', null, 'SIGUSR1', 'the signal SIGUSR1'],
  ] as const)('on %s code %s signal %s reads %j', (os, code, signal, words) => {
    expect(exitWords(os, code, signal)).toBe(words);
  });
});

describe('a run’s message names a crash in words', () => {
  const script = (
    exitCodes: Record<string, { status: 'failed' | 'retriable'; message?: string }>,
  ) => ({ manifest: { exitCodes } }) as unknown as Parameters<typeof statusFromExitCode>[2];

  it('on Windows an access violation is said, with its code', () => {
    expect(statusFromExitCode(3221225477, null, script({}), 'win32')).toEqual({
      status: 'failed',
      message:
        'The script was ended by 0xC0000005 (a crash: an access violation, reading or writing memory it does not own), exit code 3221225477; see the log.',
    });
  });

  it('an ordinary exit code stays the script’s own, and the manifest’s table still wins', () => {
    expect(statusFromExitCode(2, null, script({}), 'win32').message).toBe(
      'The script failed with exit code 2; see the log.',
    );
    expect(
      statusFromExitCode(
        3221225786,
        null,
        script({ '3221225786': { status: 'retriable', message: 'Stopped by Ctrl+C.' } }),
        'win32',
      ),
    ).toEqual({ status: 'retriable', message: 'Stopped by Ctrl+C.' });
  });

  it('elsewhere a signal is said in words', () => {
    expect(statusFromExitCode(null, 'SIGSEGV', script({}), 'darwin').message).toBe(
      'The script was ended by the signal SIGSEGV (a crash: a segmentation fault): it crashed or something outside ScriptDesk stopped it; see the log.',
    );
  });
});
