import { renderCard, type AdaptiveCardJson } from './render.js';

/** How long the deployment keeps things, as the help card tells practitioners. */
export interface RetentionFacts {
  readonly retentionDays: number;
  readonly auditRetentionDays: number;
  /** A case's assessments go when the case has had no activity this long; the owner is warned first. */
  readonly caseRetentionDays: number;
}

/**
 * The welcome and help card, with this deployment's retention periods. Outside personal chat it offers
 * only the consultation: an assessment started from a channel card would show its answers to the channel.
 */
export function renderWelcomeCard(retention: RetentionFacts, where: { personal: boolean }): AdaptiveCardJson {
  return renderCard('welcome', {
    retentionDays: retention.retentionDays,
    auditRetentionDays: retention.auditRetentionDays,
    caseRetentionDays: retention.caseRetentionDays,
    personal: where.personal,
  });
}
