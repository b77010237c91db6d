/**
 * The renderer's output previews as pure code and as real React rendering (react-dom/server, the
 * same components the window uses): how an output's kind is told, how CSV is read, and that a
 * Markdown report's raw HTML and images never reach the DOM.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MarkdownPreview } from '../../renderer/src/runs/outputs/markdown-preview.js';
import {
  imageTypeOf,
  MAX_TABLE_ROWS,
  outputKindOf,
  parseTable,
  prettyJson,
  sniffTextKind,
} from '../../renderer/src/runs/outputs/output-kind.js';
import { outputPath } from '../../renderer/src/runs/outputs/use-output-actions.js';

describe('the kind of an output', () => {
  it('comes from its extension, whatever the case', () => {
    expect(
      [
        'a.csv',
        'b.TSV',
        'r.md',
        'p.PNG',
        'p.jpeg',
        'x.webp',
        'd.json',
        'n.txt',
        'sub/s.csv',
        'noext',
      ].map(outputKindOf),
    ).toEqual([
      'table',
      'table',
      'markdown',
      'image',
      'image',
      'image',
      'json',
      'text',
      'table',
      'text',
    ]);
  });

  it('is JSON for a .txt or extensionless file holding JSON, and text otherwise', () => {
    expect(sniffTextKind('result', '  {"a": 1}')).toBe('json');
    expect(sniffTextKind('result.txt', '[1, 2]')).toBe('json');
    expect(sniffTextKind('result.txt', '{not json')).toBe('text');
    expect(sniffTextKind('notes.log', '{"a": 1}')).toBe('text');
  });

  it('of an image is what its first bytes say, not its name', () => {
    const bytes = (...values: number[]) => Uint8Array.from(values);
    expect(imageTypeOf(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('image/png');
    expect(imageTypeOf(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(imageTypeOf(new TextEncoder().encode('GIF89a...'))).toBe('image/gif');
    expect(imageTypeOf(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(imageTypeOf(new TextEncoder().encode('<svg onload="x()">'))).toBeNull();
  });
});

describe('a CSV preview', () => {
  it('reads quoted fields with delimiters, doubled quotes and newlines inside them', () => {
    const table = parseTable('t.csv', 'name,note\n"Smith, J","said ""hi""\nthen left"\n', false);
    expect(table.header).toEqual(['name', 'note']);
    expect(table.rows).toEqual([['Smith, J', 'said "hi"\nthen left']]);
    expect(table).toMatchObject({ cut: false, delimiter: ',', problem: null, columns: 2 });
  });

  it('finds a semicolon delimiter, and takes tabs for a .tsv', () => {
    expect(parseTable('t.csv', 'a;b\n1;2\n', false)).toMatchObject({
      delimiter: ';',
      header: ['a', 'b'],
      rows: [['1', '2']],
    });
    expect(parseTable('t.tsv', 'a,x\tb\n1\t2\n', false).header).toEqual(['a,x', 'b']);
  });

  it('shows the first 1,000 rows and says it was cut', () => {
    const text = ['n', ...Array.from({ length: 1500 }, (_, i) => String(i))].join('\n');
    const table = parseTable('big.csv', text, false);
    expect(table.rows).toHaveLength(MAX_TABLE_ROWS);
    expect(table.rows.at(-1)).toEqual(['999']);
    expect(table.cut).toBe(true);
  });

  it('drops the last row of a preview that holds only the file’s beginning (it may be cut in two)', () => {
    const table = parseTable('t.csv', 'a,b\n1,2\n3,"unfinis', true);
    expect(table.rows).toEqual([['1', '2']]);
    expect(table.cut).toBe(true);
  });

  it('names the first problem of a file that is not quite CSV', () => {
    expect(parseTable('t.csv', 'a,b\n1,"open\n', false).problem).toMatch(/^row 2: .*quote/i);
  });
});

describe('a JSON preview', () => {
  it('pretty-prints valid JSON and says why invalid JSON is not', () => {
    expect(prettyJson('{"a":[1,2]}')).toEqual({ text: '{\n  "a": [\n    1,\n    2\n  ]\n}' });
    expect(prettyJson('{"a":')).toHaveProperty('problem');
  });
});

describe('a Markdown preview, rendered by React', () => {
  // Without Emotion's own <style data-emotion> elements (server rendering inlines the sx styles).
  const render = (text: string) =>
    renderToStaticMarkup(
      createElement(MarkdownPreview, { text, label: 'Contents of r.md' }),
    ).replace(/<style data-emotion="[^"]*">[^<]*<\/style>/g, '');

  it('renders headings (one level below the dialog title), emphasis and GitHub tables', () => {
    const html = render('# Sales\n\nSome **bold**.\n\n| a | b |\n| - | -: |\n| 1 | 2 |\n');
    expect(html).toContain('<h3>Sales</h3>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toMatch(/<table>.*<th>a<\/th>.*<td[^>]*>2<\/td>/s);
  });

  it('never puts raw HTML, a script or an image into the page', () => {
    const html = render(
      [
        '# Report',
        '![chart](https://tracker.example/pixel.png)',
        '<img src="https://tracker.example/a.png" onerror="alert(1)">',
        '<script>alert(2)</script>',
        '<iframe src="https://evil.example/"></iframe>',
        '<style>body{display:none}</style>',
        '[click](javascript:alert(3)) and [file](file:///etc/passwd) and [ok](https://example.org/x)',
      ].join('\n\n'),
    );
    expect(html).not.toMatch(
      /<img|<script|<iframe|<style|onerror|javascript:|file:|tracker\.example/i,
    );
    expect(html).toContain('[image: chart — not shown in the preview]');
    expect(html).toContain('href="https://example.org/x"');
    expect(html).toContain('rel="noopener noreferrer"');
  });
});

describe('the path Copy path copies', () => {
  it('joins the outputs folder and the output name with the folder’s own separator', () => {
    expect(outputPath('/home/a/run/outputs', 'sub/x.csv')).toBe('/home/a/run/outputs/sub/x.csv');
    expect(outputPath('C:\\Users\\a\\outputs', 'sub/x.csv')).toBe(
      'C:\\Users\\a\\outputs\\sub\\x.csv',
    );
  });
});
