/**
 * What to set when a recovery target cannot be reached: a refusal caused by a missing target names the
 * policy key or environment variable to set and the README section, rather than only the SDK's message
 * ("Could not load credentials from any providers", "HTTP protocol is not allowed…").
 */
import { UserError } from '../core/errors.js';
import { escapeMrkdwn } from '../core/mrkdwn.js';
import type { Infra } from '../infra/index.js';
import type { KubernetesTarget, RdsTarget } from './policy-schema.js';

export const TARGETS_README = 'README → “Recovery targets”';

const AWS_CREDENTIALS = ['AWS_ACCESS_KEY_ID', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'];

/** How the bot reaches RDS, said in the names someone sets. */
export function rdsHint(t: RdsTarget): string {
  return (
    `RDS is reached with \`${t.regionEnv}\` (or \`targets.rds.region\`) and the usual AWS credentials ` +
    '(`AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`, or an instance role); ' +
    `\`${t.endpointEnv}\` points it at another endpoint. For self-managed PostgreSQL set \`targets.database.provider: postgres\` ` +
    `with each replica's \`connectionEnv\`. See ${TARGETS_README}.`
  );
}

/** How the bot reaches Kubernetes. */
export function kubernetesHint(t: KubernetesTarget): string {
  return (
    `Kubernetes is reached with the kubeconfig file in \`${t.kubeconfigEnv ?? 'KUBECONFIG'}\` (\`targets.kubernetes.kubeconfigEnv\`), ` +
    'or an API server URL and token in the variables `targets.kubernetes.serverEnv` and `tokenEnv` name. ' +
    `See ${TARGETS_README}.`
  );
}

/** Whether anything tells the bot where RDS is: credentials from the environment, or an endpoint. */
export function rdsConfigured(infra: Infra, t: RdsTarget): boolean {
  return Boolean(infra.env(t.endpointEnv) || AWS_CREDENTIALS.some((v) => infra.env(v)));
}

export function kubernetesConfigured(infra: Infra, t: KubernetesTarget): boolean {
  return Boolean(infra.env(t.kubeconfigEnv ?? 'KUBECONFIG') || infra.env(t.serverEnv));
}

/** "RDS did not answer about X (why); nothing was planned." plus what to set when nothing says where RDS is. */
export function rdsUnreachable(infra: Infra, t: RdsTarget, what: string, err: unknown, outcome = 'nothing was planned'): UserError {
  const base = `RDS did not answer about ${escapeMrkdwn(what)} (${escapeMrkdwn((err as Error).message)}); ${outcome}.`;
  return new UserError(rdsConfigured(infra, t) ? base : `${base} ${rdsHint(t)}`);
}

export function kubernetesUnreachable(infra: Infra, t: KubernetesTarget, what: string, err: unknown): UserError {
  const base = `Kubernetes did not answer about ${escapeMrkdwn(what)} (${escapeMrkdwn((err as Error).message)}); nothing was planned.`;
  return new UserError(kubernetesConfigured(infra, t) ? base : `${base} ${kubernetesHint(t)}`);
}

/** A variable the policy names is not set: the variable, the policy key that names it, and where to read. */
export function missingVariable(variable: string, policyKey: string, what: string): UserError {
  return new UserError(`The environment variable ${variable} (${what}; named by \`${policyKey}\` in dr-policy.yml) is not set on the bot. See ${TARGETS_README}.`);
}
