import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { addTestScript, appWithCatalogue, FIXTURE_SOURCE } from '../support/catalogue.js';
import { callOrThrow, runToEnd } from '../support/runs.js';

/** Prints `lines` numbered lines through print and Python's logging (which writes to stderr). */
const LOGGING_SCRIPT = `import json, logging, os
inputs = json.load(open(os.environ["SCRIPTDESK_INPUTS"], encoding="utf-8"))
logging.basicConfig(level=logging.INFO)
for n in range(1, inputs["lines"] + 1):
    if n % 1000 == 0:
        logging.error("row %d could not be read", n)
    elif n % 250 == 0:
        logging.warning("row %d is late", n)
    else:
        print(f"row {n} ok")
`;

let app: ScriptDeskApp;
let runId: string;
let runDir: string;
let work: string;

// One run serves every test, so the folders outlive each test (tempDir's do not).
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-log-api-'));
  const source = path.join(work, 'src');
  await mkdir(path.join(source, 'scripts'), { recursive: true });
  await cp(path.join(FIXTURE_SOURCE, 'catalogue.json'), path.join(source, 'catalogue.json'));
  await addTestScript(source, {
    id: 'long-log',
    title: 'Long log',
    summary: 'Test script: prints many lines with logging levels.',
    schema: {
      type: 'object',
      properties: { lines: { type: 'integer', minimum: 1, maximum: 1000000 } },
    },
    main: LOGGING_SCRIPT,
  });
  ({ app } = await appWithCatalogue(source, { home: path.join(work, 'home') }));
  const run = await runToEnd(app, { scriptId: 'long-log', inputs: { lines: 20_000 } });
  runId = run.runId;
  runDir = path.dirname(run.detail.outputDir);
  expect(run.detail.status).toBe('succeeded');
}, 60_000);

afterAll(async () => {
  await app?.close();
  await rm(work, { recursive: true, force: true });
});

const call = <M extends Parameters<typeof callTyped>[1]>(
  method: M,
  input: Record<string, unknown>,
) => callTyped(app.dispatch, method, input as never, { transport: 'http' });

describe('the log of a finished run through the API', () => {
  it('counts error and warning lines and keeps the counts with the run', async () => {
    const detail = await callOrThrow(app, 'run.get', { runId });
    // 20 thousands are errors; 80 multiples of 250, less those 20, are warnings.
    expect(detail.logLevels).toEqual({ errors: 20, warnings: 60 });
    expect(detail.logSeq).toBe(20_000);
  });

  it('serves any page of the log, the first line included', async () => {
    const first = await callOrThrow(app, 'run.logLines', { runId, from: 1, count: 2 });
    expect(first).toEqual({
      total: 20_000,
      lines: [
        { seq: 1, stream: 'stdout', line: 'row 1 ok', level: null },
        { seq: 2, stream: 'stdout', line: 'row 2 ok', level: null },
      ],
    });
    const page = await callOrThrow(app, 'run.logLines', { runId, from: 19_001, count: 1000 });
    expect(page.lines).toHaveLength(1000);
    expect(page.lines.map((l) => l.seq)).toEqual(
      Array.from({ length: 1000 }, (_, i) => 19_001 + i),
    );
    const log = (await readFile(path.join(runDir, 'log.txt'), 'utf8')).split('\n');
    expect(page.lines.map((l) => (l.stream === 'stderr' ? `! ${l.line}` : l.line))).toEqual(
      log.slice(19_000, 20_000),
    );
  });

  it('lists only the error and warning lines when asked', async () => {
    const problems = await callOrThrow(app, 'run.logLines', {
      runId,
      from: 1,
      count: 5,
      only: 'problems',
    });
    expect(problems.total).toBe(80);
    // stderr (logging) and stdout (print) lines are logged as they arrive, so the numbers of
    // these lines depend on timing; their order and text do not.
    expect(problems.lines.map((l) => [l.line, l.level, l.stream])).toEqual([
      ['WARNING:root:row 250 is late', 'warning', 'stderr'],
      ['WARNING:root:row 500 is late', 'warning', 'stderr'],
      ['WARNING:root:row 750 is late', 'warning', 'stderr'],
      ['ERROR:root:row 1000 could not be read', 'error', 'stderr'],
      ['WARNING:root:row 1250 is late', 'warning', 'stderr'],
    ]);
    const seqs = problems.lines.map((l) => l.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('finds a line by its text', async () => {
    const found = await callOrThrow(app, 'run.logSearch', {
      runId,
      query: 'ROW 12345 OK',
      from: 1,
      limit: 10,
    });
    expect(found.next).toBeNull();
    expect(found.matches).toHaveLength(1);
    const [line] = (
      await callOrThrow(app, 'run.logLines', { runId, from: found.matches[0]!, count: 1 })
    ).lines;
    expect(line!.line).toBe('row 12345 ok');
  });

  it('downloads the whole log as the file in the run folder holds it, named after script and run', async () => {
    let offset: number | null = 0;
    let text = '';
    let fileName = '';
    while (offset !== null) {
      const part: { text: string; fileName: string; next: number | null } = await callOrThrow(
        app,
        'run.logDownload',
        { runId, offset },
      );
      text += part.text;
      fileName = part.fileName;
      offset = part.next;
    }
    expect(fileName).toBe(`long-log-${runId}.log`);
    expect(text).toBe(await readFile(path.join(runDir, 'log.txt'), 'utf8'));
  });

  it('refuses a page over 1000 lines, a line number below 1 and a run that does not exist', async () => {
    const tooMany = await call('run.logLines', { runId, from: 1, count: 1001 });
    expect(tooMany.ok).toBe(false);
    const zero = await call('run.logLines', { runId, from: 0, count: 10 });
    expect(zero.ok).toBe(false);
    const extra = await call('run.logLines', { runId, from: 1, count: 10, path: '/etc/passwd' });
    expect(extra).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const multiLine = await call('run.logSearch', { runId, query: 'a\nb', from: 1, limit: 1 });
    expect(multiLine).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const missing = await call('run.logLines', {
      runId: '00000000-0000-4000-8000-000000000000',
      from: 1,
      count: 10,
    });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('answers a line number past the end with no lines', async () => {
    const past = await callOrThrow(app, 'run.logLines', { runId, from: 999_999, count: 10 });
    expect(past).toEqual({ lines: [], total: 20_000 });
  });

  it('reads nothing through a log.txt the script replaced with a link', async () => {
    const other = await runToEnd(app, { scriptId: 'long-log', inputs: { lines: 10 } });
    const dir = path.dirname(other.detail.outputDir);
    await rm(path.join(dir, 'log.txt'));
    await symlink(path.join(runDir, 'log.txt'), path.join(dir, 'log.txt'));
    const lines = await callOrThrow(app, 'run.logLines', {
      runId: other.runId,
      from: 1,
      count: 10,
    });
    expect(lines).toEqual({ lines: [], total: 0 });
    const download = await callOrThrow(app, 'run.logDownload', { runId: other.runId, offset: 0 });
    expect(download.text).toBe('');
  });
});
