import { terminalText } from '../shared/terminal-text.js';
import { CliError } from './cli-error.js';

/**
 * Reads a secret's value from stdin, never from the command line (where `ps` and the shell's
 * history would keep it): typed at a terminal without echo after a prompt on stderr, or piped in
 * whole, less one trailing newline (what `echo` and most files end with).
 */
export async function readSecretValue(
  name: string,
  command = `scriptdesk secrets set SCRIPT ${name}`,
): Promise<string> {
  const value = process.stdin.isTTY
    ? await readHidden(`Value for ${name} (typing is hidden; Enter to finish): `)
    : stripOneNewline(await readAll());
  if (value === '')
    throw new CliError(
      `the value for ${name} is empty; type it at the prompt or pipe it in, e.g. printf '%s' "$VALUE" | ${command}`,
    );
  return value;
}

function stripOneNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One line typed at the terminal in raw mode, so nothing is echoed. */
function readHidden(prompt: string): Promise<string> {
  const { stdin, stderr } = process;
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: CliError) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      // Arrow and function keys arrive as escape sequences: they are not part of a value.
      if (chunk.startsWith('\u001b')) return;
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new CliError('cancelled; nothing was stored', 130));
        if (char === '\u0004') return finish(); // Ctrl-D ends the value like Enter
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else if (char >= ' ') value += char;
      }
    };
    stderr.write(terminalText(prompt));
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}
