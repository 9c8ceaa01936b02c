/**
 * The edge services' refusals (ELBv2, Route 53, CloudFront) in plain words that say what to do; the code and
 * the service's own message stay in brackets for whoever looks them up. Codes are the API models' error shapes.
 */
export interface AwsErrorFacts {
  service: string;
  code?: string;
  message: string;
  details?: string[];
  /** What the bot was doing, for the sentence: "switch the distribution's origin". */
  doing: string;
  /** The policy key whose variable names the resource, for "check …". */
  policyKey?: string;
}

const said = (f: AwsErrorFacts) => `(${f.service}: ${f.code}: ${f.message})`;

export function plainAwsError(f: AwsErrorFacts): string | undefined {
  const check = f.policyKey ? ` Check the variable \`${f.policyKey}\` names.` : '';
  switch (f.code) {
    case 'AccessDenied':
    case 'AccessDeniedException':
      return `The bot's AWS identity may not ${f.doing}: its IAM policy lacks the permission (README, "Edge prerequisites"). Nothing was changed by this call ${said(f)}.`;
    case 'Throttling':
    case 'ThrottlingException':
    case 'PriorRequestNotComplete':
    case 'TooManyRequests':
      return `AWS kept throttling the bot's ${f.service} calls (the SDK asked again with backoff, in vain); nothing was changed by this call. Ask again in a minute ${said(f)}.`;
    case 'NoSuchHostedZone':
      return `Route 53 has no such hosted zone (deleted, or another account).${check} ${said(f)}.`;
    case 'NoSuchDistribution':
      return `CloudFront has no such distribution (deleted, or another account).${check} ${said(f)}.`;
    case 'PreconditionFailed':
      return `The distribution was changed by someone else while the bot was changing it (its ETag no longer matched If-Match): nothing was overwritten. Ask for a new plan, which reads it again ${said(f)}.`;
    case 'InvalidIfMatchVersion':
      return `CloudFront refused the update's If-Match ETag: nothing was overwritten. Ask for a new plan ${said(f)}.`;
    case 'InvalidChangeBatch':
      return `Route 53 refused the change batch${f.details?.length ? `: ${f.details.join('; ')}` : ''}. A batch is all or nothing, so no record was changed; check targets.dns ${said(f)}.`;
    case 'TooManyInvalidationsInProgress':
      return `CloudFront already has as many invalidations in progress as it allows; wait for them to finish and ask again ${said(f)}.`;
    case 'InvalidationBatchAlreadyExists':
      return `CloudFront already has an invalidation with this action's caller reference but other paths; nothing new was purged ${said(f)}.`;
    case 'NoSuchOrigin':
      return `The distribution has no origin by that name: check targets.cdn.primaryOrigin / backupOrigin against its origins ${said(f)}.`;
    case 'TargetGroupNotFound':
      return `ELB has no such target group.${check} ${said(f)}.`;
    case 'ListenerNotFound':
      return `ELB has no such listener.${check} ${said(f)}.`;
    case 'ValidationError':
      return `${f.service} refused a value the bot sent: ${f.message}`;
    default:
      return undefined;
  }
}
