import type { Logger } from '../log.js';
import { errorReply } from './errors.js';
import type { Facts } from './facts.js';
import type { Entry } from './table.js';
import type { Reply } from './reply.js';

/** Runs one entry for one turn: where it may run, who is asking, the data's shape, then the interaction; known failures become kind words. */
export async function dispatch(entry: Entry, facts: Facts, rawData: unknown, log: Logger): Promise<Reply> {
  const asCard = entry.trigger.kind === 'verb';
  const name = entry.trigger.kind === 'verb' ? entry.trigger.verb : entry.trigger.command;
  const here = entry.where === 'both' || (entry.where === 'personal') === facts.conversation.personal;
  if (!here) {
    log.info(
      { event: `${entry.family.name}.not-here`, interaction: name, conversationType: facts.conversation.type },
      'Interaction refused in this conversation',
    );
    return entry.family.refuse(entry.notHere ?? entry.family.notHere, facts, asCard);
  }
  const raw: Record<string, unknown> =
    rawData !== null && typeof rawData === 'object' && !Array.isArray(rawData) ? { ...(rawData as Record<string, unknown>) } : {};
  const parsed = entry.schema.safeParse(asCard ? raw : typeof rawData === 'string' ? rawData : '');
  try {
    if (entry.needsOwner) {
      const who = facts.who;
      if (!who) return entry.family.refuse('noOwner', facts, asCard);
      if (!parsed.success) {
        log.warn({ event: 'card.invalid-data', verb: name, issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'Card data rejected');
        return entry.family.refuse(entry.family.invalid, facts, asCard);
      }
      return await entry.run({ ...facts, who }, parsed.data, { log, raw });
    }
    if (!parsed.success) {
      log.warn({ event: 'card.invalid-data', verb: name }, 'Card data rejected');
      return entry.family.refuse(entry.family.invalid, facts, asCard);
    }
    return await entry.run(facts, parsed.data, { log, raw });
  } catch (error) {
    return errorReply(error, entry.family, facts, name, log);
  }
}
