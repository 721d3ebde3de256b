import { z } from 'zod';
import type { Owner } from '../owner.js';

/**
 * A hand-over's life: offered (pending), then declined or taken back, or accepted; once accepted it only
 * goes forward: copied (the commit point: every copy verified), source deleted, done.
 */
export const HAND_OVER_STATES = ['pending', 'declined', 'taken-back', 'accepted', 'copied', 'source-deleted', 'done'] as const;
export type HandOverState = (typeof HAND_OVER_STATES)[number];

const OwnerSchema = z.object({ tenantId: z.string().min(1), aadObjectId: z.string().min(1) });

export const HandOverRecordSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  from: OwnerSchema,
  to: OwnerSchema,
  /** The colleague's Teams display name, for "shared by" on shares that move with the assessments. */
  toName: z.string().max(200).optional(),
  assessmentIds: z
    .array(z.string().regex(/^\d{13}-[A-Za-z0-9_-]{12}$/))
    .min(1)
    .max(100),
  caseRef: z.string().optional(),
  /**
   * Who started it when it was not the owner: a named supervisor reassigning the assessments of a
   * practitioner who has left the team (src/tencs/cycle/reassign.ts). They may take the offer back.
   */
  by: OwnerSchema.optional(),
  state: z.enum(HAND_OVER_STATES),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type HandOverRecord = z.infer<typeof HandOverRecordSchema>;

/** After the commit point the colleague owns the assessments; before it, the original owner does. */
export function committed(state: HandOverState): boolean {
  return state === 'copied' || state === 'source-deleted' || state === 'done';
}

/** Nothing more will happen to a hand-over in these states: it was withdrawn, or the move finished. */
export const FINAL_HAND_OVER_STATES: readonly HandOverState[] = ['declined', 'taken-back', 'done'];

/** Offered, or accepted and still moving: the assessments in it must not be deleted. */
export function live(state: HandOverState): boolean {
  return !FINAL_HAND_OVER_STATES.includes(state);
}

/** Why a hand-over step was refused; the message is safe to show. */
export class HandOverRefusedError extends Error {
  override readonly name = 'HandOverRefusedError';
}

/** The marker a row carries while it moves: "<hand-over id>|out" on the original, "|in" on the copy. */
export function parseMarker(marker: string | undefined): { id: string; side: 'out' | 'in' } | undefined {
  const m = marker ? /^([A-Za-z0-9_-]{8,64})\|(out|in)$/.exec(marker) : null;
  return m ? { id: m[1]!, side: m[2] as 'out' | 'in' } : undefined;
}

/**
 * Who may see and use a row: its partition's owner unless it is marked. A marked original belongs to
 * its owner (read only) until the commit point and to no one after; a marked copy belongs to no one
 * before the commit point and to the colleague after. A declined or taken-back hand-over leaves the
 * original with its owner. So at every instant exactly one row of the two is owned.
 */
export function rowAccess(marker: string | undefined, state: HandOverState | undefined): 'owned' | 'read-only' | 'not-owned' {
  const m = parseMarker(marker);
  if (!m) return 'owned';
  if (state === undefined) return m.side === 'out' ? 'read-only' : 'not-owned';
  if (state === 'declined' || state === 'taken-back') return m.side === 'out' ? 'owned' : 'not-owned';
  if (m.side === 'out') return committed(state) ? 'not-owned' : 'read-only';
  return committed(state) ? 'owned' : 'not-owned';
}

/** Offer checks that need no storage: same tenant, a different person. */
export function checkOffer(from: Owner, to: Owner): void {
  if (from.tenantId !== to.tenantId) throw new HandOverRefusedError('You can only hand over to a colleague in your own organisation.');
  if (from.aadObjectId === to.aadObjectId) throw new HandOverRefusedError('Choose a colleague other than yourself.');
}
