import { Application, TurnState } from '@microsoft/teams-ai';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { RetentionFacts } from '../cards/welcome-card.js';
import type { Logger } from '../log.js';
import type { AssessmentService } from '../tencs/assessment-service.js';
import type { PrivacyService } from '../tencs/privacy-service.js';
import type { CommandTable } from './commands.js';
import type { RateLimit } from './rate-limiter.js';
import { registerAssessment } from './routes/assessment.js';
import { registerGuards } from './routes/guards.js';
import { registerPrivacy } from './routes/privacy.js';
import { registerShare, type SharingDeps } from './routes/share.js';
import { registerConsult } from './routes/consult.js';
import { registerMessages } from './routes/messages.js';
import { registerWelcome } from './routes/welcome.js';

/** What the bot's handlers need from the rest of the system. */
export interface BotDeps {
  readonly logger: Logger;
  /** The guided 10 Cs assessment (issue 3). */
  readonly assessments: AssessmentService;
  /** Delete, export, audit and retention (issue 6). */
  readonly privacy: PrivacyService;
  /** Team channels, summaries and supervision (issue 4). */
  readonly sharing: SharingDeps;
  /** Per-user turn allowance; guards.ts has a default. */
  readonly rateLimit?: RateLimit;
  /** Retention periods the help card states; src/cards/welcome-card.ts has the config defaults. */
  readonly retention?: RetentionFacts;
}

/** Builds the teams-ai Application with every route registered. */
export function createApp(adapter: TeamsAdapter, deps: BotDeps): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter,
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
  });
  const commands: CommandTable = {};
  // Guards run before every route: rate limit, then the refusal of images and files.
  registerGuards(app, deps);
  registerWelcome(app, deps, commands);
  // Feature route modules register here, each with its own commands and card verbs.
  registerAssessment(app, deps, commands);
  registerConsult(app, deps, commands);
  registerPrivacy(app, deps, commands);
  registerShare(app, deps);
  registerMessages(app, deps, commands);
  return app;
}
