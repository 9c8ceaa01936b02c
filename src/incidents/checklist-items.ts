/**
 * The checklist an incident gets: the policy's items, plus one per configured edge target (load balancers,
 * DNS, CDN) whose probe the policy did not already list — after an infrastructure recovery those are what
 * must be true again, and nobody should have to remember to add them.
 */
import type { Policy } from '../policy.js';

type Item = Policy['checklist'][number];

const EDGE_ITEMS: Array<{ when: (p: Policy) => boolean; item: Item }> = [
  { when: (p) => Boolean(p.targets.loadBalancers), item: { id: 'load-balancer-targets', text: 'Load balancer target groups healthy', probe: 'load_balancers' } },
  { when: (p) => Boolean(p.targets.dns), item: { id: 'dns-answers', text: 'DNS records answer as planned', probe: 'dns' } },
  { when: (p) => Boolean(p.targets.cdn), item: { id: 'cdn-deployed', text: 'CDN distribution deployed and serving', probe: 'cdn' } },
];

export function checklistItems(policy: Policy): Item[] {
  const listed = new Set(policy.checklist.map((i) => i.probe));
  return [...policy.checklist, ...EDGE_ITEMS.filter((e) => e.when(policy) && !listed.has(e.item.probe) && !policy.checklist.some((i) => i.id === e.item.id)).map((e) => e.item)];
}
