import path from 'node:path';

/**
 * An ESLint rule that keeps the house one-way: every folder has a floor, and a relative import may
 * only reach a folder on a LOWER floor (or stay in its own folder). Folders on the same floor may
 * not import each other, so no two folders can ever import each other in a loop.
 *
 * Options: `{ root, floors }`, floors listed from the ground up, each an array of folder names
 * (`main/<name>` for the folders of main/, else the top-level folder). Files in no listed folder
 * (tests, benchmarks, build scripts) are not checked.
 */
export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports between folders go down the floors only (no folder cycles).' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          floors: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
        },
        required: ['root', 'floors'],
        additionalProperties: false,
      },
    ],
    messages: {
      upward:
        '{{from}} may not import {{to}} ({{spec}}): imports between folders go down only ({{order}}). Move what both need into a lower folder (main/shared for small helpers), or pass it in from above.',
    },
  },
  create(context) {
    const { root, floors } = context.options[0];
    const floorOf = new Map(floors.flatMap((names, index) => names.map((name) => [name, index])));
    const order = floors.map((names) => names.join(', ')).join(' < ');
    const folderOf = (file) => {
      const parts = path.relative(root, file).split(path.sep);
      if (parts[0] === '..') return null;
      const name = parts[0] === 'main' && parts.length > 2 ? `main/${parts[1]}` : parts[0];
      return floorOf.has(name) ? name : null;
    };
    const from = folderOf(context.filename);
    if (from === null) return {};
    const check = (node) => {
      const spec = node?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = folderOf(path.resolve(path.dirname(context.filename), spec));
      if (to === null || to === from) return;
      if (floorOf.get(to) < floorOf.get(from)) return;
      context.report({ node, messageId: 'upward', data: { from, to, spec, order } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};
