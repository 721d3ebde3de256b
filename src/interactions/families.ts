import { renderNoticeCard } from '../cards/assessment-cards.js';
import { renderPrivacyNotice } from '../cards/privacy-cards.js';
import { MESSAGES, type MessageKey } from './messages.js';
import { message, type Reply } from './reply.js';
import type { Family } from './table.js';

/** The title a refusal card carries for each catalogue key (the rest get the family's default title). */
const TITLES: Partial<Record<MessageKey, MessageKey>> = {
  assessmentPersonalOnly: 'assessmentPersonalOnlyTitle',
  noOwner: 'noOwnerTitle',
  staleCard: 'staleCardTitle',
  storageDown: 'storageDownTitle',
  assessmentNotFound: 'assessmentNotFoundTitle',
  shareNotYours: 'assessmentNotFoundTitle',
  noneFound: 'noneFoundTitle',
};

const refusalMessage = (key: MessageKey): Reply => ({ kind: 'refusal', key });

/** The guided assessment: refusals are notice cards (typed commands get words, except failures). */
export const ASSESSMENT: Family = {
  name: 'assessment',
  notHere: 'assessmentPersonalOnly',
  invalid: 'staleCard',
  refuse(key, facts, asCard) {
    if (!asCard) return refusalMessage(key);
    return {
      kind: 'refusal',
      key,
      card: renderNoticeCard(MESSAGES[TITLES[key] ?? 'assessmentNotFoundTitle'], MESSAGES[key], { personal: facts.conversation.personal }),
    };
  },
};

/** Delete, export, audit: refusals are privacy notice cards. */
export const PRIVACY: Family = {
  name: 'privacy',
  notHere: 'privacyPersonalOnly',
  invalid: 'notYours',
  refuse(key, facts, asCard) {
    if (!asCard) return refusalMessage(key);
    const title = key === 'storageDown' ? MESSAGES.storageDownTitle : MESSAGES.notYoursTitle;
    return { kind: 'refusal', key, card: renderPrivacyNotice(title, MESSAGES[key], undefined, { personal: facts.conversation.personal }) };
  },
};

/** Summaries and sharing: refusals are words, except an assessment that is not the sender's. */
export const SHARE: Family = {
  name: 'share',
  notHere: 'copyPersonalOnly',
  invalid: 'staleCard',
  refuse(key, facts) {
    if (key === 'summaryPersonalOnly') {
      // Never the case reference or notes where others can see them: a notice card with no assessment content.
      return { kind: 'refusal', key, card: renderNoticeCard(MESSAGES.summaryPersonalOnlyTitle, MESSAGES.summaryPersonalOnly, { personal: false }) };
    }
    if (key === 'shareNotYours') {
      return {
        kind: 'refusal',
        key,
        card: renderNoticeCard(MESSAGES.assessmentNotFoundTitle, MESSAGES.shareNotYours, { personal: facts.conversation.personal }),
      };
    }
    return refusalMessage(key);
  },
};

/** The guide and help: read-only, nothing to refuse but a sender Teams did not name. */
export const OPEN: Family = {
  name: 'consult',
  notHere: 'unknownCommand',
  invalid: 'staleCard',
  refuse: (key) => refusalMessage(key),
};

export const asMessage = (key: MessageKey): Reply => message(MESSAGES[key]);
