import { z } from 'zod';
import type { Owner } from '../tencs/owner.js';
import type { Activity } from './activity.js';

const Id = z.string().trim().min(1).max(128);
const TeamInfo = z.object({ id: z.string().trim().min(1).max(256), name: z.string().max(256).optional() });

/** Who sent a turn, from where: everything an interaction may know about it besides its card data. */
export interface Facts {
  readonly activityId: string | undefined;
  readonly activityType: string;
  /** When the activity says it was sent (now, when it does not say or says nonsense). */
  readonly at: Date;
  /** The sender's tenant, lower-cased (Teams does not promise one casing for GUIDs). */
  readonly tenantId: string | undefined;
  /** The sender as an owner: Entra object id within their tenant, both lower-cased; undefined when unknown. */
  readonly who: Owner | undefined;
  /** The sender's Teams user id (for membership checks), and display name ('' when not given). */
  readonly userId: string | undefined;
  readonly name: string;
  readonly conversation: {
    readonly id: string | undefined;
    readonly type: string | undefined;
    /**
     * Teams says 'personal'. The Agents Playground (npm start, the e2e suite) leaves the type out in
     * personal chat, so a missing type counts as personal only when nothing says group, team or channel;
     * a group chat ('groupChat', isGroup) is never personal.
     */
    readonly personal: boolean;
  };
  readonly team: z.infer<typeof TeamInfo> | undefined;
  readonly channelId: string | undefined;
  readonly locale: string | undefined;
  readonly serviceUrl: string | undefined;
  /** The bot's own id in this conversation. */
  readonly botId: string | undefined;
}

/** The one place a turn's facts are read from its activity. */
export function facts(a: Activity): Facts {
  const tenant = Id.safeParse(a.channelData?.tenant?.id ?? a.conversation?.tenantId);
  const user = Id.safeParse(a.from?.aadObjectId);
  const tenantId = tenant.success ? tenant.data.toLowerCase() : undefined;
  const sent = a.timestamp === undefined ? new Date() : new Date(a.timestamp);
  const team = TeamInfo.safeParse(a.channelData?.team);
  const type = a.conversation?.conversationType;
  return {
    activityId: a.id,
    activityType: a.type,
    at: Number.isNaN(sent.getTime()) ? new Date() : sent,
    tenantId,
    who: tenantId && user.success ? { tenantId, aadObjectId: user.data.toLowerCase() } : undefined,
    userId: a.from?.id,
    name: a.from?.name ?? '',
    conversation: {
      id: a.conversation?.id,
      type,
      personal:
        type === 'personal' ||
        (type === undefined && a.conversation?.id !== undefined && a.conversation.isGroup !== true && !team.success && !a.channelData?.channel),
    },
    team: team.success ? team.data : undefined,
    channelId: a.channelData?.channel?.id,
    locale: a.locale,
    serviceUrl: a.serviceUrl,
    botId: a.recipient?.id,
  };
}
