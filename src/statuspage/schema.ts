/** The `statuspage:` part of dr-policy.yml: which Atlassian Statuspage page, its API key by env NAME, components. */
import { z } from 'zod';
import { durationOr, envName } from '../policy-fields.js';

export const statuspageSchema = z
  .object({
    pageId: z.string().regex(/^[a-z0-9]+$/, 'expected a Statuspage page id like kctbh9vrtdwd'),
    tokenEnv: envName,
    apiUrl: z.string().regex(/^https?:\/\/[^\s/]+/, 'expected an http(s) URL').default('https://api.statuspage.io'),
    /** Our service id → the page's component id. */
    components: z.record(z.string().min(1), z.string().regex(/^[a-z0-9]+$/, 'expected a component id')).default({}),
    /** Levels published without anyone asking (the others only by `/incident statuspage … publish`). */
    autoPublishLevels: z.array(z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)])).default([1, 2]),
    /** The API's documented pace: at most one request per this interval per API key. */
    minGap: durationOr('1s'),
    timeout: durationOr('10s'),
  })
  .strict();

export type StatuspagePolicy = z.output<typeof statuspageSchema>;
