import { ConnectorError } from '../tencs/connector-retry.js';
import type { Mention } from '../tencs/share-service.js';

/** A mention entity as the Bot Framework schema gives it: the mentioned account is a user (its `role`). */
export interface MentionEntityJson {
  readonly type: 'mention';
  readonly text: string;
  readonly mentioned: { readonly id: string; readonly name: string; readonly role: 'user' };
}

/** The activity text and mention entities that make Teams notify the named supervisors. */
export function mentionParts(mentions: readonly Mention[]): { text?: string; entities?: MentionEntityJson[] } {
  if (mentions.length === 0) return {};
  const at = (m: Mention) => `<at>${m.name}</at>`;
  return {
    text: `A 10 Cs summary was shared for ${mentions.map(at).join(', ')}.`,
    entities: mentions.map((m) => ({ type: 'mention', text: at(m), mentioned: { id: m.mri, name: m.name, role: 'user' } })),
  };
}

/**
 * Where a new channel thread went, from the connector's answer to creating it. Teams names the thread
 * `${channel};messageid=${activityId}`; the activity id is read from there when the answer does not give it.
 */
export function postedThread(created: { readonly id?: string; readonly activityId?: string }): { conversationId: string; activityId: string } {
  const conversationId = created.id;
  const activityId = created.activityId ?? /;messageid=(.+)$/.exec(conversationId ?? '')?.[1];
  if (!conversationId || !activityId) throw new ConnectorError('The connector did not say where the post went', undefined, undefined, false);
  return { conversationId, activityId };
}
