import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { actionDriver } from '../helpers/dr-actions.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { PARTNERS_PRODUCTION, procedureDatabase } from '../helpers/data-recovery-db.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { K8sPeer } from '../peers/k8s.js';

// Production with 41 partners without a QR code; the Kubernetes peer with the regeneration CronJob. The
// peer's Job "container" (onRun) does what the real image does: a code for each partner that has none.
let h: Harness;
let prod: Awaited<ReturnType<typeof procedureDatabase>>;
const k8s = new K8sPeer();
const d = actionDriver(() => h);
const runs: string[][] = [];

beforeAll(async () => {
  prod = await procedureDatabase('drqr', PARTNERS_PRODUCTION);
  await k8s.start();
  k8s.batch.addCronJob('production', 'qr-regenerate', { image: 'boomcard/qr-tools:v3', args: ['--batch-size=500'] });
  k8s.batch.onRun = async (job) => {
    const args = job.body.spec.template.spec.containers[0].args as string[];
    runs.push(args);
    if (!args.includes('--missing-only')) throw new Error('a full regeneration in a test');
    await prod.sql(`INSERT INTO qr_codes SELECT 1000000 + p.id, p.id, 'QR-NEW-' || p.id FROM partners p WHERE NOT EXISTS (SELECT 1 FROM qr_codes q WHERE q.partner_id = p.id)`);
  };
  h = await startHarness({
    policy: drPolicy({
      targets: {
        database: {
          provider: 'rds', primary: 'production-primary', replicas: ['production-replica-1'], connectionEnv: 'PLATFORM_DATABASE_URL',
          data: { regenerateQr: { cronJob: 'qr-regenerate', pollEvery: '100ms', timeout: '20s' } },
        },
        kubernetes: { namespace: 'production', serverEnv: 'KUBE_SERVER' },
      },
    }),
    env: { PLATFORM_DATABASE_URL: prod.url, KUBE_SERVER: k8s.url },
  });
  await d.declare(PEOPLE.alice, 'L1 Partner QR codes missing');
}, 90_000);
afterAll(async () => {
  await h?.stop();
  await k8s.close();
  await prod?.drop();
});

const withoutCode = async () => Number((await prod.sql('SELECT count(*)::int AS n FROM partners p WHERE NOT EXISTS (SELECT 1 FROM qr_codes q WHERE q.partner_id = p.id)'))[0].n);

describe('/dr regenerate-qr --missing-only: a Job from the CronJob template on the Kubernetes peer', () => {
  it('bad input and people without the role are refused; nothing is created', async () => {
    expect(await d.answer(PEOPLE.dmitri, 'regenerate-qr')).toContain('Only `--missing-only` is supported');
    expect(await d.answer(PEOPLE.dmitri, 'regenerate-qr --missing-only --all')).toContain('Unknown option --all');
    expect(await d.answer(PEOPLE.georgi, 'regenerate-qr --missing-only')).toContain('can use `/dr regenerate-qr`');
    expect(await d.actionCount()).toBe(0);
    expect(k8s.batch.jobs.size).toBe(0);
  }, 60_000);

  it('creates the Job as kubectl create job --from=cronjob does, follows it to Complete, and checks every partner has a code', async () => {
    expect(await withoutCode()).toBe(41);
    await h.run(PEOPLE.alice, '/dr', 'regenerate-qr --missing-only');
    const plan = await d.planCard(1);
    expect(d.cardText(plan.ts)).toContain('Partners without a code: 41');
    expect(d.cardText(plan.ts)).toContain('boomcard/qr-tools:v3 --batch-size=500 --missing-only');
    await d.confirm(PEOPLE.dmitri, 1);
    const text = await d.finished(plan.ts, 60_000);
    expect(text).toContain('Done in');
    expect(text).toContain('20,002 QR codes for 19,801 partners: 201 whose partner is missing, 0 partners with no code');
    expect(await withoutCode()).toBe(0);

    expect(k8s.batch.jobs.size).toBe(1);
    const job = [...k8s.batch.jobs.values()][0]!;
    expect(job.name).toMatch(/^qr-regenerate-dr-[a-z0-9]+$/);
    expect(job.body.metadata.annotations).toEqual({ 'cronjob.kubernetes.io/instantiate': 'manual' });
    expect(job.body.metadata.labels).toEqual({ app: 'qr-regenerate' });
    expect(job.body.metadata.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'qr-regenerate', uid: 'uid-cronjob-qr-regenerate', controller: true }]);
    expect(job.body.spec.template.spec.restartPolicy).toBe('OnFailure');
    expect(runs).toEqual([['--batch-size=500', '--missing-only']]);

    expect(await d.answer(PEOPLE.dmitri, 'regenerate-qr --missing-only')).toContain('Every partner has a QR code');
  }, 90_000);

  it('a Job that fails (backoff limit) fails the step, naming why; the counts are not checked', async () => {
    await prod.sql('DELETE FROM qr_codes WHERE partner_id IN (1, 2, 3)');
    k8s.batch.failingImages.add('boomcard/qr-tools:v3');
    await h.run(PEOPLE.alice, '/dr', 'regenerate-qr --missing-only');
    const plan = await d.planCard(2);
    await d.confirm(PEOPLE.dmitri, 2);
    const text = await d.finished(plan.ts, 60_000);
    expect(text).toContain('Failed');
    expect(text).toContain('the job failed after 3 tries (BackoffLimitExceeded: Job has reached the specified backoff limit)');
    expect(await withoutCode()).toBe(3);
    expect(k8s.batch.jobs.size).toBe(2);
  }, 90_000);
});
