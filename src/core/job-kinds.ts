/**
 * The one list of job kinds. A kind names a row in `jobs`; its definition (payload schema, handler,
 * attempts) lives with the capability and is registered in the composition root.
 */
export const JOB = {
  /** The incident's one card in the incident channel. */
  postCard: 'post_card',
  /** Redraw the card from the database (coalesced: the latest state wins, at most one edit a second). */
  editCard: 'edit_card',
  /** One line in the card's thread (an update, a handover, a level change, a resolution, a page round). */
  threadLine: 'thread_line',
  /** Page the level's people (declared, level raised). */
  pageRound: 'page_round',
  /** Resolve the incident's pages at the providers and close the page DMs. */
  pageResolve: 'page_resolve',
  /** The post-recovery checklist in the thread, after a resolve. */
  postChecklist: 'post_checklist',
  reminder: 'reminder',
  pageDelivery: 'page_delivery',
  pageDm: 'page_dm',
  pageEscalation: 'page_escalation',
  /** A guarded action's plan card in the incident thread (adopted by its metadata if it already landed). */
  actionCard: 'action_card',
  /** Redraw an action's card from its row (coalesced like the incident card's edits). */
  actionCardEdit: 'action_card_edit',
  actionExpiry: 'action_expiry',
  staleActions: 'stale_actions',
  /** After a recovery succeeded: run the health probes until they pass, then record the RTO (declaration → passing). */
  rtoProbe: 'rto_probe',
  /** The scheduled restore test (key `schedule`, recurring) or one asked for now (`now:<n>`), in short phases. */
  restoreTest: 'restore_test',
  /** Its report in the configured channel. */
  restoreTestReport: 'restore_test_report',
} as const;

export type JobKind = (typeof JOB)[keyof typeof JOB];
