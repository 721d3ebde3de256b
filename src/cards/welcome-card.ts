import { renderCard, type AdaptiveCardJson } from './render.js';

/** How long the deployment keeps things, as the help card tells practitioners. */
export interface RetentionFacts {
  readonly retentionDays: number;
  readonly auditRetentionDays: number;
}

/** The defaults in src/config.ts (RETENTION_DAYS, AUDIT_RETENTION_DAYS), for callers without a config. */
export const DEFAULT_RETENTION: RetentionFacts = { retentionDays: 90, auditRetentionDays: 365 };

/**
 * The welcome and help card, with this deployment's retention periods. Outside personal chat it offers
 * only the consultation: an assessment started from a channel card would show its answers to the channel.
 */
export function renderWelcomeCard(retention: RetentionFacts = DEFAULT_RETENTION, where: { personal: boolean } = { personal: true }): AdaptiveCardJson {
  return renderCard('welcome', { retentionDays: retention.retentionDays, auditRetentionDays: retention.auditRetentionDays, personal: where.personal });
}
