import { z } from 'zod';
import { VERBS } from '../cards/verbs.js';
import { renderWelcomeCard, type RetentionFacts } from '../cards/welcome-card.js';
import type { AssessmentService } from '../tencs/assessment-service.js';
import type { PrivacyService } from '../tencs/privacy-service.js';
import type { ShareService, TeamStore } from '../tencs/share-service.js';
import type { TeamMembership } from '../tencs/team-membership.js';
import type { TogetherService } from '../tencs/together.js';
import { assessmentEntries } from './assessment.js';
import { consultEntries } from './consult.js';
import { cycleEntries } from './cycle.js';
import { personalChatEvent } from './personal-chat.js';
import type { CycleService, PersonalChatDirectory } from '../tencs/cycle/cycle-service.js';
import type { ReassignService } from '../tencs/cycle/reassign.js';
import type { Facts } from './facts.js';
import { OPEN } from './families.js';
import { attachmentGuard, rateLimitGuard } from './guards.js';
import { privacyEntries } from './privacy.js';
import type { RateLimiter } from './rate-limiter.js';
import { card, none, type Reply } from './reply.js';
import { shareEntries } from './share.js';
import { teamEvents } from './team-events.js';
import { open, type Entry, type EventHandler, type InteractionTable, type OpenEntry, type OwnedEntry, type TurnContext } from './table.js';

/** What the interactions need, each built once in compose.ts. */
export interface InteractionDeps {
  readonly assessments: AssessmentService;
  /** The together view over the same assessments (issue 17). */
  readonly together: TogetherService;
  readonly privacy: PrivacyService;
  readonly sharing: ShareService;
  readonly teams: TeamStore;
  readonly isTeamMember: TeamMembership;
  readonly limiter: RateLimiter;
  /** Retention periods the help card states (from config). */
  readonly retention: RetentionFacts;
  /** The case over time (issue 16), and where practitioners' personal chats are. */
  readonly cycle: CycleService;
  readonly personalChats: PersonalChatDirectory;
  /** A named supervisor reassigning a departed practitioner's shared assessments (issue 16). */
  readonly reassign: ReassignService;
}

/** Welcome on install, help on request (the card says less outside personal chat). */
function welcomeEntries(retention: RetentionFacts): { entries: Entry[]; welcome: (f: Facts) => Reply } {
  const welcome = (f: Facts): Reply => card(renderWelcomeCard(retention, { personal: f.conversation.personal }));
  return {
    welcome,
    entries: [
      open({ trigger: { kind: 'command', command: 'help' }, family: OPEN, where: 'both', schema: z.string(), run: async (f) => welcome(f) }),
      open({ trigger: { kind: 'verb', verb: VERBS.help }, family: OPEN, where: 'both', schema: z.unknown(), run: async (f) => welcome(f) }),
    ],
  };
}

/**
 * Entries that remember where the sender's personal chat is (for reminders, hand-over offers and retention
 * warnings) before they run. The consultation is left out: it promises to store nothing at all.
 */
function remembering(entries: readonly Entry[], remember: EventHandler): Entry[] {
  const note = async (f: Facts, log: TurnContext['log']): Promise<void> => {
    await remember.run(f, { log, membersAdded: [], membersRemoved: [], action: undefined, eventType: undefined });
  };
  return entries.map((entry): Entry => {
    if (entry.needsOwner) {
      const wrapped: OwnedEntry = { ...entry, run: async (f, d, t) => (await note(f, t.log), entry.run(f, d, t)) };
      return wrapped;
    }
    const wrapped: OpenEntry = { ...entry, run: async (f, d, t) => (await note(f, t.log), entry.run(f, d, t)) };
    return wrapped;
  });
}

/** Everything tencs does, as one table: verbs and commands, the guards before them, the team events beside them. */
export function buildInteractions(deps: InteractionDeps): InteractionTable {
  const { entries: help, welcome } = welcomeEntries(deps.retention);
  const remember = personalChatEvent(deps.personalChats);
  return {
    entries: [
      ...remembering(
        [
          ...help,
          ...assessmentEntries(deps.assessments, deps.together, (f, a, raw) => deps.cycle.reviewOnComplete(f.who, a, raw.reviewOn)),
          ...privacyEntries(deps.privacy, deps.isTeamMember),
          ...shareEntries(deps.sharing),
          ...cycleEntries(deps.cycle, deps.assessments, deps.reassign),
        ],
        remember,
      ),
      ...consultEntries(),
    ],
    // The rate limit first, so a flood of attachments is slowed too.
    guards: [rateLimitGuard(deps.limiter), attachmentGuard],
    // Installing tencs in personal chat (the welcome) also records where that chat is.
    events: [
      teamEvents(deps.sharing, deps.teams),
      { name: 'personal-chat-install', run: async (f, turn) => (turn.membersAdded.length > 0 ? remember.run(f, turn) : none) },
    ],
    welcome,
    unknown: (f, text, hasValue) => (!text?.trim() && !hasValue ? welcome(f) : { kind: 'refusal', key: 'unknownCommand' }),
  };
}
