/**
 * Save as and the browser download of a run's output (`main/runs/output-export.ts`), on real
 * files: the copy is the verified file or nothing, and a changed or linked output is never copied.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OutputFile } from '../../main/contract/api.js';
import { ApiFailure } from '../../main/contract/errors.js';
import { copyRecordedOutput, readRecordedOutputPart } from '../../main/runs/output-export.js';
import { tempDir } from '../support/temp.js';

const CONTENT = 'month,total\n2026-01,42\n2026-02,"1,234"\n';

/** A run's outputs folder holding `report.csv` as recorded, and an empty folder to save into. */
async function recordedOutput(content: string | Buffer = CONTENT) {
  const outputs = await tempDir('scriptdesk-outputs-');
  await writeFile(path.join(outputs, 'report.csv'), content);
  const bytes = Buffer.from(content);
  const entry: OutputFile = {
    name: 'report.csv',
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  const saveTo = await tempDir('scriptdesk-save-');
  return { outputs, entry, saveTo };
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApiFailure);
  const { code, message } = error as ApiFailure;
  return { code, message };
}

describe('Save as copies a recorded output only while it matches its record', () => {
  it('copies the verified bytes to the chosen path, replacing a file already there', async () => {
    const { outputs, entry, saveTo } = await recordedOutput();
    const target = path.join(saveTo, 'copy.csv');
    await writeFile(target, 'an older file of the same name');
    expect(await copyRecordedOutput(outputs, entry, target)).toEqual({
      path: target,
      size: entry.size,
    });
    expect(await readFile(target, 'utf8')).toBe(CONTENT);
    expect(await readdir(saveTo)).toEqual(['copy.csv']);
  });

  it('refuses an output whose bytes changed after the run, and leaves no file or partial file', async () => {
    const { outputs, entry, saveTo } = await recordedOutput();
    await writeFile(path.join(outputs, 'report.csv'), CONTENT.replace('42', '99'));
    expect(
      await failure(copyRecordedOutput(outputs, entry, path.join(saveTo, 'copy.csv'))),
    ).toEqual({
      code: 'output_changed',
      message:
        'report.csv was changed after the run ended (its content no longer matches what was recorded); it is not saved.',
    });
    expect(await readdir(saveTo)).toEqual([]);
  });

  it('keeps the file already at the destination when the output changed', async () => {
    const { outputs, entry, saveTo } = await recordedOutput();
    const target = path.join(saveTo, 'copy.csv');
    await writeFile(target, 'keep me');
    await writeFile(path.join(outputs, 'report.csv'), CONTENT.replace('42', '99'));
    expect((await failure(copyRecordedOutput(outputs, entry, target))).code).toBe('output_changed');
    expect(await readFile(target, 'utf8')).toBe('keep me');
    expect(await readdir(saveTo)).toEqual(['copy.csv']);
  });

  it('refuses an output swapped for a symbolic link to a file with the same bytes', async () => {
    const { outputs, entry, saveTo } = await recordedOutput();
    const elsewhere = path.join(await tempDir('scriptdesk-elsewhere-'), 'same.csv');
    await writeFile(elsewhere, CONTENT);
    await rm(path.join(outputs, 'report.csv'));
    await symlink(elsewhere, path.join(outputs, 'report.csv'));
    expect(
      await failure(copyRecordedOutput(outputs, entry, path.join(saveTo, 'copy.csv'))),
    ).toEqual({
      code: 'output_changed',
      message:
        'report.csv was replaced by a symbolic link after the run ended; ScriptDesk does not follow links, so it is not saved.',
    });
    expect(await readdir(saveTo)).toEqual([]);
  });

  it('refuses a destination that is a folder, naming it and the fix', async () => {
    const { outputs, entry, saveTo } = await recordedOutput();
    const folder = path.join(saveTo, 'reports');
    await mkdir(folder);
    expect(await failure(copyRecordedOutput(outputs, entry, folder))).toEqual({
      code: 'unsupported',
      message: `report.csv was not saved: ${folder} is a folder. Choose a file name inside it instead.`,
    });
    expect(await readdir(folder)).toEqual([]);
  });

  it('refuses a destination in a folder that does not exist', async () => {
    const { outputs, entry, saveTo } = await recordedOutput();
    const target = path.join(saveTo, 'missing', 'copy.csv');
    expect(await failure(copyRecordedOutput(outputs, entry, target))).toEqual({
      code: 'unsupported',
      message: `report.csv was not saved: the folder ${path.dirname(target)} does not exist. Choose a folder that exists.`,
    });
  });

  it('replaces a link at the destination with the copy, never writing through it', async () => {
    const { outputs, entry, saveTo } = await recordedOutput();
    const victim = path.join(await tempDir('scriptdesk-victim-'), 'victim.txt');
    await writeFile(victim, 'untouched');
    const target = path.join(saveTo, 'copy.csv');
    await symlink(victim, target);
    await copyRecordedOutput(outputs, entry, target);
    expect(await readFile(victim, 'utf8')).toBe('untouched');
    expect(await readFile(target, 'utf8')).toBe(CONTENT);
  });

  // Root may write anywhere, so there is nothing to refuse when the suite runs as root.
  it.skipIf(process.getuid?.() === 0)(
    'says where a destination it may not write to is, and leaves nothing behind',
    async () => {
      const { outputs, entry, saveTo } = await recordedOutput();
      const { chmod } = await import('node:fs/promises');
      await chmod(saveTo, 0o500);
      const target = path.join(saveTo, 'copy.csv');
      expect(await failure(copyRecordedOutput(outputs, entry, target))).toEqual({
        code: 'unsupported',
        message: `report.csv was not saved to ${target}: you may not write there. Choose another place.`,
      });
      await chmod(saveTo, 0o700);
      expect(await readdir(saveTo)).toEqual([]);
    },
  );
});

describe('the browser download reads a recorded output in verified parts', () => {
  it('returns the parts that together are the recorded file', async () => {
    const bytes = Buffer.alloc(2_500_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 251;
    const { outputs, entry } = await recordedOutput(bytes);
    const parts: Buffer[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const part: { bytes: Buffer; next: number | null } = await readRecordedOutputPart(
        outputs,
        entry,
        offset,
        1_000_000,
        64 * 1024 * 1024,
      );
      parts.push(part.bytes);
      offset = part.next;
    }
    expect(parts.map((p) => p.length)).toEqual([1_000_000, 1_000_000, 500_000]);
    expect(Buffer.concat(parts).equals(bytes)).toBe(true);
  });

  it('refuses a part of an output that changed, and an output over the download limit', async () => {
    const { outputs, entry } = await recordedOutput();
    await writeFile(path.join(outputs, 'report.csv'), CONTENT.replace('42', '99'));
    expect((await failure(readRecordedOutputPart(outputs, entry, 0, 100, 1000))).code).toBe(
      'output_changed',
    );
    expect(await failure(readRecordedOutputPart(outputs, entry, 0, 100, 10))).toEqual({
      code: 'unsupported',
      message: `report.csv is 39 bytes, more than can be downloaded in the browser (10 bytes). It is in the run's outputs folder: ${outputs}`,
    });
  });
});
