/**
 * "Did you mean …?" for a mistyped command, role or service: the closest known word by edit distance
 * (case-insensitive), when it is close enough to be a typo rather than another word.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(w, c.toLowerCase());
    if (!best || d < best.d) best = { c, d };
  }
  // A third of the word's length (at least 1, at most 3) covers typos and swapped letters, not other words.
  const allowed = Math.min(3, Math.max(1, Math.floor(w.length / 3)));
  if (best && best.d <= allowed) return best.c;
  // A prefix is a clear intent too ("fail" → "failover-db").
  const prefixed = candidates.filter((c) => w.length >= 3 && c.toLowerCase().startsWith(w));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** " Did you mean `x`?" or nothing, ready to append to a refusal. */
export function didYouMean(word: string, candidates: readonly string[], show: (c: string) => string = (c) => `\`${c}\``): string {
  const c = closest(word, candidates);
  return c ? ` Did you mean ${show(c)}?` : '';
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
