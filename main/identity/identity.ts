import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../shared/files.js';

/** Who is running ScriptDesk, on which machine: what every audit record names. */
export interface Identity {
  user: string;
  host: string;
  deviceId: string;
  /** The CloudEvents `source` of every event this device writes. */
  source: string;
}

const DeviceFileSchema = z.object({ deviceId: z.string().uuid() });

/** Reads the device id from `file`, creating it on first use, and the OS user and host. */
export async function loadIdentity(file: string): Promise<Identity> {
  let deviceId: string;
  try {
    deviceId = DeviceFileSchema.parse(JSON.parse(await readFile(file, 'utf8'))).deviceId;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(
        `${file}: not a valid device file (${(error as Error).message}); move it away and start again to create a new device id`,
        { cause: error },
      );
    }
    deviceId = randomUUID();
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, JSON.stringify({ deviceId }, null, 2) + '\n');
  }
  return {
    user: os.userInfo().username,
    host: os.hostname(),
    deviceId,
    source: `urn:scriptdesk:device:${deviceId}`,
  };
}
