/** The Kubernetes apps/v1 peer is the local workspace's simulated cluster too: one implementation, in src/sandbox/estate. */
export * from '../../src/sandbox/estate/kubernetes-api.js';
