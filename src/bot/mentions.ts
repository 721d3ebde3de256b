import { z } from 'zod';
import type { Mention } from '../tencs/share-service.js';

/** A member as the Bot Connector answers it (both hosts read it the same way). */
export const MemberAnswer = z.object({ id: z.string().min(1).max(256), name: z.string().max(512).optional(), aadObjectId: z.string().max(64).optional() });

/** The activity text and mention entities that make Teams notify the named supervisors. */
export function mentionParts(mentions: readonly Mention[]): { text?: string; entities?: object[] } {
  if (mentions.length === 0) return {};
  const at = (m: Mention) => `<at>${m.name}</at>`;
  return {
    text: `A 10 Cs summary was shared for ${mentions.map(at).join(', ')}.`,
    entities: mentions.map((m) => ({ type: 'mention', text: at(m), mentioned: { id: m.mri, name: m.name } })),
  };
}
