/**
 * PEP 440 versions, ordered as pip orders them: epochs, pre-, post- and development releases;
 * local labels are ignored. Advisories are matched to locked package versions with it
 * (`governance/`), and a script's `python` specifier to the interpreter (`version-specifier.ts`).
 */

const VERSION =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d*))?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d*))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$/i;

const PRE_RANK: Record<string, number> = {
  a: 0,
  alpha: 0,
  b: 1,
  beta: 1,
  c: 2,
  rc: 2,
  pre: 2,
  preview: 2,
};

/** A version as a sort key: [epoch, release..., pre, post, dev] compared in that order. */
export interface VersionKey {
  epoch: number;
  release: number[];
  /** [rank, n]; a final release sorts after every pre-release, a dev-only release before. */
  pre: [number, number];
  post: number;
  dev: number;
}

/** Parses a PEP 440 version; null when it is not one. */
export function parseVersion(text: string): VersionKey | null {
  const m = VERSION.exec(text.trim());
  if (!m) return null;
  // Kept as written (3.0 stays [3, 0]): a prefix match (3.0.*, ~=3.0) needs every number given;
  // comparing pads the shorter with zeros.
  const release = m[2]!.split('.').map(Number);
  const hasPost = m[5] !== undefined || m[6] !== undefined;
  const hasDev = m[8] !== undefined;
  let pre: [number, number];
  if (m[3]) pre = [PRE_RANK[m[3].toLowerCase()]!, Number(m[4] || 0)];
  else if (hasDev && !hasPost) pre = [-1, 0];
  else pre = [3, 0];
  return {
    epoch: Number(m[1] ?? 0),
    release,
    pre,
    post: hasPost ? Number(m[5] ?? (m[7] || 0)) : -1,
    dev: hasDev ? Number(m[9] || 0) : Infinity,
  };
}

/** -1, 0 or 1 as `a` sorts before, with or after `b`; null when either is not a version. */
export function compareVersions(a: string, b: string): number | null {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return x && y ? compareKeys(x, y) : null;
}

/** -1, 0 or 1 as `x` sorts before, with or after `y`. */
export function compareKeys(x: VersionKey, y: VersionKey): number {
  const order = [x.epoch - y.epoch];
  const length = Math.max(x.release.length, y.release.length);
  for (let i = 0; i < length; i++) order.push((x.release[i] ?? 0) - (y.release[i] ?? 0));
  order.push(x.pre[0] - y.pre[0], x.pre[1] - y.pre[1], x.post - y.post);
  order.push(x.dev === y.dev ? 0 : x.dev - y.dev);
  return Math.sign(order.find((d) => d !== 0) ?? 0);
}
