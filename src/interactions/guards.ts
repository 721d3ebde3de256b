import type { RateLimiter } from './rate-limiter.js';
import type { Facts } from './facts.js';
import { none, type Reply } from './reply.js';
import type { Guard } from './table.js';

const EMOJI_ITEMTYPE = /itemtype\s*=\s*["']?http:\/\/schema\.skype\.com\/Emoji/i;

/**
 * True when an attachment is something the user sent rather than Teams' own HTML copy of their
 * text. Teams adds a text/html attachment to ordinary messages; an <img> in it is a pasted image
 * (emoji also arrive as <img>, marked with the Skype emoji itemtype, and are not images of anyone).
 */
export function isUserContent(attachment: { readonly contentType?: string | undefined; readonly content?: unknown }): boolean {
  if ((attachment.contentType ?? '').toLowerCase() !== 'text/html') return true;
  const html = typeof attachment.content === 'string' ? attachment.content : '';
  const images = html.match(/<img\b[^>]*>/gi) ?? [];
  return images.some((tag) => !EMOJI_ITEMTYPE.test(tag));
}

const userKey = (f: Facts): string => `${f.tenantId ?? ''}|${f.who?.aadObjectId ?? f.userId ?? ''}`;

/** A per-user token bucket (tenant + Entra object id): one flooding user is slowed without affecting others. */
export function rateLimitGuard(limiter: RateLimiter): Guard {
  return {
    name: 'rate-limit',
    check(f, turn) {
      if (f.activityType !== 'message' && f.activityType !== 'invoke') return { stop: false };
      const decision = limiter.take(userKey(f));
      if (decision.allowed) return { stop: false };
      turn.log.warn(
        { event: 'rate.limited', tenantId: f.tenantId, aadObjectId: f.who?.aadObjectId, activityType: f.activityType, notified: decision.firstRefusal },
        'User is sending too fast',
      );
      let reply: Reply;
      if (f.activityType === 'invoke')
        reply = turn.activityName === 'adaptiveCard/action' ? { kind: 'refusal', key: 'rateLimited' } : { kind: 'invoke', status: 429 };
      // One notice per burst: answering every flooded message would make the bot the flood.
      else reply = decision.firstRefusal ? { kind: 'refusal', key: 'rateLimited' } : none;
      return { stop: true, reply };
    },
  };
}

/** Images and files are refused unopened, in the spirit of the guide's cautions about online abuse and evidence. */
export const attachmentGuard: Guard = {
  name: 'attachments',
  check(f, turn) {
    if (f.activityType !== 'message') return { stop: false };
    const refused = turn.attachments.filter(isUserContent);
    if (refused.length === 0) return { stop: false };
    // Content types only: names and addresses of files are the user's content and are not logged.
    turn.log.info(
      { event: 'message.attachment-refused', count: refused.length, contentTypes: refused.map((x) => (x.contentType ?? '').slice(0, 80)) },
      'Attachment refused',
    );
    return { stop: true, reply: { kind: 'refusal', key: 'attachmentRefused' } };
  },
};
