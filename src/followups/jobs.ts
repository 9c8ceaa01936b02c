/**
 * The `followup_export` job: one follow-up becomes one GitHub issue. Before creating, a retried job looks
 * for the issue an earlier try may have created (the marker in its body), so a crash or a timed-out answer
 * never makes a second issue; the link is kept on the row and said in the incident's thread.
 */
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { incidentRef } from '../core/incident.js';
import { JOB } from '../core/job-kinds.js';
import type { IncidentService } from '../incidents/service.js';
import { defineJob, type RegisteredJob } from '../scheduler/jobs.js';
import type { FollowUpStore } from '../store/follow-ups.js';
import type { Store } from '../store/index.js';
import { cutPlain } from '../core/slack-text.js';
import { issueMarker, type GitHubIssues } from './github.js';

export function followUpJobs(d: { followUps: FollowUpStore; store: Store; incidents: IncidentService; github?: GitHubIssues; clock: Clock }): RegisteredJob[] {
  return [
    defineJob({
      kind: JOB.followUpExport,
      payload: z.object({ postingSince: z.string().datetime().optional() }),
      maxAttempts: 8,
      what: (job) => `export follow-up F${job.key} to GitHub`,
      run: async (job, ctx) => {
        const f = await d.followUps.get(Number(job.key));
        if (!f || f.issueUrl) return {};
        if (!d.github) throw new Error('no issue tracker is configured (followUps.github in the policy)');
        const inc = (await d.store.incidents.get(f.incidentId))!;
        const marker = issueMarker(f.id, incidentRef(inc.id));
        let issue = job.attempts > 1 || job.payload.postingSince !== undefined ? await d.github.findByMarker(marker) : undefined;
        if (!issue) {
          await ctx.checkpoint({ postingSince: d.clock.now().toISOString() });
          const link = await d.incidents.permalink(inc).catch(() => undefined);
          const body = [
            f.text,
            '',
            `- Incident: ${incidentRef(inc.id)} — ${inc.title}${link ? ` (${link})` : ''}`,
            `- Owner (Slack): ${f.owner ?? 'none yet'}`,
            `- Due: ${f.due ?? 'not set'}`,
            f.source === 'checklist' ? '- From the post-recovery checklist (not verified when the incident was closed)' : `- Recorded by ${f.createdBy} in Slack`,
            '',
            marker,
          ].join('\n');
          issue = await d.github.create({ title: cutPlain(`[${incidentRef(inc.id)}] ${f.text}`, 256), body });
        }
        await d.followUps.setIssue(f.id, issue.html_url, issue.number, d.clock.now());
        await d.incidents.threadLine(inc.id, `followup-export:${f.id}`, `:link: Follow-up *F${f.id}* is GitHub issue <${issue.html_url}|#${issue.number}>.`);
        await d.incidents.refreshCard(inc);
        return {};
      },
    }),
  ];
}
