/**
 * The paths of a CloudFront invalidation, checked before anything is stored (CloudFront Developer Guide,
 * "Specifying the objects to invalidate"): each starts with `/`, a `*` only as the last character, at most
 * 3,000 paths in one request (and at most 15 wildcard paths in progress at a time).
 */
export const MAX_PATHS = 3_000;
export const MAX_WILDCARDS = 15;
const MAX_PATH_LENGTH = 4_000;

export type PathCheck = { ok: true; paths: string[] } | { ok: false; problem: string };

export function checkPaths(words: string[]): PathCheck {
  const paths = words.length ? [...new Set(words)] : ['/*'];
  if (paths.length > MAX_PATHS) return { ok: false, problem: `${paths.length} paths: CloudFront takes at most ${MAX_PATHS} in one invalidation` };
  for (const p of paths) {
    if (!p.startsWith('/')) return { ok: false, problem: `"${p}" does not start with /` };
    if (p.length > MAX_PATH_LENGTH) return { ok: false, problem: `a path is longer than ${MAX_PATH_LENGTH} characters` };
    if (p.indexOf('*') >= 0 && p.indexOf('*') !== p.length - 1) return { ok: false, problem: `"${p}" has a * that is not its last character (CloudFront allows a wildcard only at the end)` };
    if (/[\s]/.test(p)) return { ok: false, problem: `"${p}" contains a space (URL-encode it as %20)` };
  }
  const wildcards = paths.filter((p) => p.endsWith('*')).length;
  if (wildcards > MAX_WILDCARDS) return { ok: false, problem: `${wildcards} wildcard paths: CloudFront allows at most ${MAX_WILDCARDS} in progress at a time` };
  return { ok: true, paths };
}
