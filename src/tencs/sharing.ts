import { createHash } from 'node:crypto';
import { z } from 'zod';

/** A share id as shareIdFor makes it: `s-` and 22 base64url characters. */
export const SHARE_ID_PATTERN = /^s-[A-Za-z0-9_-]{22}$/;

/**
 * A Teams team id as Teams gives it: `19:`, an identifier, and `@thread.tacv2` (or the older
 * `@thread.skype` / `@thread.v2`). Card data claiming a team id is checked against this before it is
 * used, stored or logged.
 */
export const TEAM_ID_PATTERN = /^19:[A-Za-z0-9_-]{1,200}@thread\.(?:tacv2|skype|v2)$/;

/** A team the bot is installed in, and how to reach its general channel through the Bot Connector. */
export const TeamRefSchema = z.object({
  tenantId: z.string().min(1),
  teamId: z.string().min(1),
  teamName: z.string(),
  /** The general channel (Teams gives it the team's id). */
  channelId: z.string().min(1),
  serviceUrl: z.string().url(),
  /** The bot's own id in that team, as Teams addressed it when installing. */
  botId: z.string().min(1),
  installedAt: z.string(),
  updatedAt: z.string(),
});
export type TeamRef = z.infer<typeof TeamRefSchema>;

/** Longest supervision note a manager can add; keeps the channel card inside Teams' size limit. */
export const NOTE_MAX_CHARS = 1000;

export const SHARE_STATUSES = ['posting', 'posted', 'failed'] as const;
export type ShareStatus = (typeof SHARE_STATUSES)[number];

/** One completed assessment posted (or being posted) to one team's channel. Ids and names only; never answers. */
export const ShareSchema = z.object({
  id: z.string().min(1),
  tenantId: z.string().min(1),
  assessmentId: z.string().min(1),
  ownerId: z.string().min(1),
  /** The practitioner's Teams display name, shown as "shared by". */
  ownerName: z.string(),
  teamId: z.string().min(1),
  teamName: z.string(),
  channelId: z.string().min(1),
  serviceUrl: z.string().url(),
  status: z.enum(SHARE_STATUSES),
  /** The thread the post started (Teams: `${channelId};messageid=${activityId}`). */
  conversationId: z.string().optional(),
  /** The posted card's activity id, which updates in place. */
  activityId: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  postedAt: z.string().optional(),
});
export type Share = z.infer<typeof ShareSchema>;

/** An acknowledgement or a supervision note left in the thread. */
export type SupervisionEntry =
  | { readonly kind: 'ack'; readonly authorId: string; readonly authorName: string; readonly at: string }
  | { readonly kind: 'note'; readonly authorId: string; readonly authorName: string; readonly at: string; readonly text: string };

/** The id of the share of this assessment to this team: the same request twice finds the same share. */
export function shareIdFor(tenantId: string, assessmentId: string, teamId: string): string {
  return `s-${createHash('sha256').update(`${tenantId}\n${assessmentId}\n${teamId}`, 'utf8').digest('base64url').slice(0, 22)}`;
}

/** The channel a conversation id belongs to: Teams thread ids are `${channelId};messageid=${rootId}`. */
export function channelOf(conversationId: string): string {
  const i = conversationId.indexOf(';');
  return i < 0 ? conversationId : conversationId.slice(0, i);
}
