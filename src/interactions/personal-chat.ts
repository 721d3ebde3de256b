import type { PersonalChatDirectory } from '../tencs/cycle/cycle-service.js';
import { ownerKey } from '../tencs/owner.js';
import { none } from './reply.js';
import type { EventHandler } from './table.js';

/**
 * Remembers where each practitioner's personal chat with tencs is, so reminders, hand-over offers and
 * retention warnings can be sent there. Written at most once a day per person (each instance keeps the
 * days it wrote); ids only. A failure is logged and the turn goes on: the practitioner's action matters more.
 */
export function personalChatEvent(directory: PersonalChatDirectory, today: () => string = () => new Date().toISOString().slice(0, 10)): EventHandler {
  const written = new Map<string, string>();
  return {
    name: 'personal-chat',
    async run(f, turn) {
      if (!f.conversation.personal || !f.who || !f.conversation.id || !f.serviceUrl || !f.botId) return none;
      const key = ownerKey(f.who);
      const day = today();
      const known = `${day}|${f.conversation.id}|${f.serviceUrl}`;
      if (written.get(key) === known) return none;
      try {
        await directory.put(f.who, { conversationId: f.conversation.id, serviceUrl: f.serviceUrl, botId: f.botId, day });
        if (written.size > 50_000) written.clear();
        written.set(key, known);
      } catch (error) {
        turn.log.warn({ event: 'personal-chat.not-saved', err: error instanceof Error ? error.name : 'unknown' }, 'Personal chat reference not saved');
      }
      return none;
    },
  };
}
