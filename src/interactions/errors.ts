import { CardTooLargeError } from '../cards/render.js';
import type { Logger } from '../log.js';
import { NotFoundError, StorageUnavailableError } from '../tencs/errors.js';
import type { Facts } from './facts.js';
import type { Reply } from './reply.js';
import type { Family } from './table.js';

/**
 * The one mapping from a domain failure to what the user sees: a missing or someone else's assessment,
 * storage not answering, a card too large for Teams. Anything else is a bug and goes on to the host's turn
 * error handler (which apologises and logs it).
 */
export function errorReply(error: unknown, family: Family, facts: Facts, interaction: string, log: Logger): Reply {
  if (error instanceof NotFoundError) {
    // The lookup is always inside the sender's own partition, so missing and someone else's look the same here.
    log.warn({ event: `${family.name}.not-found`, interaction, aadObjectId: facts.who?.aadObjectId }, 'Assessment not found for sender');
    const key = family.name === 'share' ? 'shareNotYours' : family.name === 'privacy' ? 'notYours' : 'assessmentNotFound';
    return family.refuse(key, facts, true);
  }
  if (error instanceof StorageUnavailableError) {
    log.warn({ event: `${family.name}.storage-unavailable`, interaction, statusCode: error.statusCode }, 'Storage unavailable');
    return family.refuse('storageDown', facts, true);
  }
  if (error instanceof CardTooLargeError) {
    // A message leaves the practitioner's card (and what they typed on it) as it was.
    log.warn({ event: `${family.name}.card-too-large`, card: error.card, bytes: error.bytes }, 'Card too large');
    return family.refuse(family.name === 'share' ? 'summaryTooLarge' : 'tooLarge', facts, false);
  }
  throw error;
}
