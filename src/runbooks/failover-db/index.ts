/** `/dr failover-db`: the procedures' "Primary Database Failure", with the provider chosen in the policy. */
import { INCIDENT_COMMANDER } from '../../core/roles.js';
import type { Runbook } from '../types.js';
import type { PostgresPlanData } from './postgres.js';
import type { RdsPlanData } from './rds.js';
import { databaseTarget } from './common.js';
import { planPostgres, postgresSteps } from './postgres.js';
import { rdsSteps } from './rds.js';
import { planRds } from './rds-plan.js';

export interface FailoverArgs {
  replica?: string;
  /** RDS: promote past the lag limit; the command lets only the policy's forceRoles set it. */
  forcedBy?: string;
}

export const failoverDb: Runbook<FailoverArgs, PostgresPlanData | RdsPlanData> = {
  id: 'failover-db',
  title: 'Fail over the database',
  destructive: true,
  requestRoles: [INCIDENT_COMMANDER, 'dba'],
  approveRoles: [INCIDENT_COMMANDER, 'dba'],
  plan(ctx, args) {
    const db = databaseTarget(ctx.policy);
    return db.provider === 'rds' ? planRds(ctx, db, args.replica, args.forcedBy) : planPostgres(ctx, db, args.replica);
  },
  steps: (plan) => (plan.data.provider === 'rds' ? rdsSteps({ ...plan, data: plan.data }) : postgresSteps({ ...plan, data: plan.data })),
};
