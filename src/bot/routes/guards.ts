import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Attachment, TurnContext } from 'botbuilder';
import type { BotDeps } from '../app.js';
import { createRateLimiter, type RateLimit } from '../rate-limiter.js';

/** Used when the composition root gives no limit: a practitioner clicking through cards never meets it. */
export const DEFAULT_RATE_LIMIT: RateLimit = { burst: 30, perMinute: 60 };

/** Why the bot will not take images or files, in the spirit of the guide's cautions about online abuse and evidence. */
export const ATTACHMENT_REFUSED_MESSAGE =
  "I can't accept images or files, so I haven't opened, saved or passed on what you sent. " +
  'The 10 Cs guide cautions that sharing and viewing online abuse can continue the abuse and harm the young person again, ' +
  'and that sharing, viewing or keeping indecent images of children is a criminal offence: such images must never go into referrals, emails or case notes. ' +
  'If something needs recording as evidence, describe it in words (what it showed, where and when it was seen) and follow your local procedure for evidence, ' +
  'which may mean passing it to the police rather than copying it. If your message also had text for me, please send the text again on its own.';

/** What a user sees when they are sending faster than the bot will take. */
export const RATE_LIMITED_MESSAGE =
  "You're sending me messages faster than I can take them, so I've paused for a moment. Nothing you've already saved is lost. Please wait a minute, then carry on.";

const EMOJI_ITEMTYPE = /itemtype\s*=\s*["']?http:\/\/schema\.skype\.com\/Emoji/i;

/**
 * True when an attachment is something the user sent rather than Teams' own HTML copy of their
 * text. Teams adds a text/html attachment to ordinary messages; an <img> in it is a pasted image
 * (emoji also arrive as <img>, marked with the Skype emoji itemtype, and are not images of anyone).
 */
export function isUserContent(attachment: Pick<Attachment, 'contentType' | 'content'>): boolean {
  if ((attachment.contentType ?? '').toLowerCase() !== 'text/html') return true;
  const html = typeof attachment.content === 'string' ? attachment.content : '';
  const images = html.match(/<img\b[^>]*>/gi) ?? [];
  return images.some((tag) => !EMOJI_ITEMTYPE.test(tag));
}

function userKey(context: TurnContext): string {
  const a = context.activity;
  const tenant = (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? a.conversation?.tenantId ?? '';
  return `${tenant.toLowerCase()}|${a.from?.aadObjectId ?? a.from?.id ?? ''}`;
}

/**
 * Checks that run before any route: a per-user token bucket (tenant + AAD object id) so one
 * flooding user is slowed without affecting others, then the refusal of images and files.
 */
export function registerGuards(app: Application<TurnState>, deps: BotDeps): void {
  const limiter = createRateLimiter(deps.rateLimit ?? DEFAULT_RATE_LIMIT);

  app.turn('beforeTurn', async (context) => {
    const a = context.activity;
    if (a.type !== 'message' && a.type !== 'invoke') return true;

    const decision = limiter.take(userKey(context));
    if (!decision.allowed) {
      deps.logger.warn(
        { event: 'rate.limited', tenantId: a.conversation?.tenantId, aadObjectId: a.from?.aadObjectId, activityType: a.type, notified: decision.firstRefusal },
        'User is sending too fast',
      );
      if (a.type === 'invoke') {
        const body =
          a.name === 'adaptiveCard/action'
            ? { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: RATE_LIMITED_MESSAGE } }
            : { status: 429 };
        await context.sendActivity({ type: 'invokeResponse', value: body });
      } else if (decision.firstRefusal) {
        // One notice per burst: answering every flooded message would make the bot the flood.
        await context.sendActivity(RATE_LIMITED_MESSAGE);
      }
      return false;
    }

    if (a.type === 'message') {
      const attachments = a.attachments ?? [];
      const refused = attachments.filter(isUserContent);
      if (refused.length > 0) {
        // Content types only: names and addresses of files are the user's content and are not logged.
        deps.logger.info(
          { event: 'message.attachment-refused', activityId: a.id, count: refused.length, contentTypes: refused.map((x) => (x.contentType ?? '').slice(0, 80)) },
          'Attachment refused',
        );
        await context.sendActivity(ATTACHMENT_REFUSED_MESSAGE);
        return false;
      }
    }
    return true;
  });
}
