/** Shared with the local workspace's simulated estate (src/sandbox/estate). */
export * from '../../src/sandbox/estate/local-http.js';
