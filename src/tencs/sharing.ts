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

/** An Entra object id as the people picker gives it (a GUID). */
export const AAD_OBJECT_ID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** At most this many supervisors may be named on one share. */
export const SUPERVISORS_MAX = 5;

/** A supervisor named by the practitioner: their Entra object id, Teams user id (MRI, "29:...") and display name. */
export const SupervisorSchema = z.object({ aadObjectId: z.string().min(1).max(64), mri: z.string().min(1).max(256), name: z.string().max(200) });
export type Supervisor = z.infer<typeof SupervisorSchema>;

/**
 * The supervisors on a share. Table storage keeps them as a JSON string; a share made before supervisors
 * were named has none (its channel card is short for everyone, and the full view is its owner's only).
 */
const SupervisorsField = z.preprocess((v) => {
  if (v === null || v === '') return [];
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}, z.array(SupervisorSchema).max(SUPERVISORS_MAX));

/**
 * The people picker's answer (Teams gives a multi-select as comma-separated values): one to
 * SUPERVISORS_MAX Entra object ids, lower-cased and without repeats. Card data is client-controlled.
 */
export type SupervisorPicks = { readonly ok: true; readonly ids: readonly string[] } | { readonly ok: false; readonly reason: 'none' | 'not-id' | 'too-many' };
export function parseSupervisorPicks(raw: string): SupervisorPicks {
  const parts = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return { ok: false, reason: 'none' };
  if (!parts.every((p) => AAD_OBJECT_ID_PATTERN.test(p))) return { ok: false, reason: 'not-id' };
  const ids = [...new Set(parts.map((p) => p.toLowerCase()))];
  if (ids.length > SUPERVISORS_MAX) return { ok: false, reason: 'too-many' };
  return { ok: true, ids };
}

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
  /** The practitioner's Teams user id (MRI), so Teams refreshes the card for them too. */
  ownerMri: z.string().max(256).optional(),
  /** Who the practitioner shared it for: only they (and the owner) see the full summary. */
  supervisors: SupervisorsField.optional(),
});
export type Share = z.infer<typeof ShareSchema>;

/**
 * A staff display name as a mention shows it (Teams renders mentions only in markdown text): letters,
 * digits, spaces and . ' - only, at most 80 characters.
 */
export function mentionName(name: string): string {
  const cleaned = name
    .replace(/[^\p{L}\p{N} .'-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(cleaned).slice(0, 80).join('').trim() || 'Supervisor';
}

/** The supervisors named on a share (none on a share made before they were named). */
export const supervisorsOf = (share: Share): readonly Supervisor[] => share.supervisors ?? [];

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
