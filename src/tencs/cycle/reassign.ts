import { ownerKey, type Owner } from '../owner.js';
import { shareIdFor, supervisorsOf, type Share } from '../sharing.js';
import type { MembershipCheck } from '../team-membership.js';
import type { HandOverRecord } from './hand-over.js';
import type { PersonalChat } from './cycle-service.js';

/**
 * A team manager reassigns the assessments shared to their team when the practitioner who owns them has
 * left (issue 16). The Bot Connector cannot tell a team's owners from its members, so "manager" here is a
 * supervisor the practitioner named on that share (their line manager or supervisor in practice) who is
 * still a member of the team. Every condition is checked on the server each time, from the signed sender
 * and Teams (card data is the client's): the asker is a named supervisor of the share, the share is in
 * the asker's tenant (it is looked up in that tenant's partition), the asker is a member of the team, and
 * the owner is definitively not a member any more. "Teams could not say" refuses. Only assessments shared
 * to such a team are reassigned, through the same hand-over saga as a practitioner's own hand-over (from =
 * the former owner, to = the colleague, by = the supervisor), so the colleague accepts in their own chat
 * and every guarantee of the saga holds. The former owner's personal chat is never needed.
 */

/** The shares of a case in a tenant (the audit table's `shared~` index) and a share by id. */
export interface SharesOfCase {
  sharesForCaseRef(tenantId: string, caseRef: string): Promise<{ assessmentId: string; teamId: string }[]>;
  get(tenantId: string, shareId: string): Promise<{ share: Share } | undefined>;
}

/** The hand-over saga's offer and withdrawal, with who started it (src/storage/hand-over-store.ts). */
export interface ReassignHandOvers {
  offer(id: string, from: Owner, to: Owner, assessmentIds: readonly string[], by?: Owner): Promise<HandOverRecord>;
  withdraw(id: string, actor: Owner, how: 'declined' | 'taken-back'): Promise<HandOverRecord>;
}

/** One former owner's assessments of the case that the asker may reassign, and the teams that allow it. */
export interface Reassignable {
  readonly from: Owner;
  readonly assessmentIds: readonly string[];
  readonly teamNames: readonly string[];
  /** The teams those shares are in: the colleague must be a member of one of them. */
  readonly teamIds: readonly string[];
}

export type ReassignCheck =
  | { readonly kind: 'ok'; readonly groups: readonly Reassignable[] }
  /** No posted share of the case in the asker's tenant names them as a supervisor (or they have left its team). */
  | { readonly kind: 'not-supervisor' }
  /** Every such share's practitioner is still a member of its team: they hand over themselves. */
  | { readonly kind: 'owner-still-member' }
  /** Teams could not say whether the asker or the practitioner is in the team: nothing is done. */
  | { readonly kind: 'unknown' };

export type ReassignResult =
  | { readonly kind: 'offered'; readonly records: readonly HandOverRecord[] }
  | { readonly kind: 'unreachable' }
  /** The chosen colleague is not a member of the team the case was shared to: nothing is offered. */
  | { readonly kind: 'colleague-not-in-team'; readonly teamNames: readonly string[] }
  | Exclude<ReassignCheck, { kind: 'ok' }>;

export class ReassignService {
  constructor(
    private readonly shares: SharesOfCase,
    private readonly membership: MembershipCheck,
    private readonly handOvers: ReassignHandOvers,
    private readonly personal: PersonalChat,
  ) {}

  /** What the asker may reassign of this case, decided from Teams and storage now. */
  async check(asker: Owner, caseRef: string): Promise<ReassignCheck> {
    const tenantId = asker.tenantId;
    const groups = new Map<string, { from: Owner; ids: Set<string>; teams: Set<string>; teamIds: Set<string> }>();
    let unknown = false;
    let ownerStill = false;
    const seen = new Set<string>();
    for (const { assessmentId, teamId } of await this.shares.sharesForCaseRef(tenantId, caseRef)) {
      const shareId = shareIdFor(tenantId, assessmentId, teamId);
      if (seen.has(shareId)) continue;
      seen.add(shareId);
      const share = (await this.shares.get(tenantId, shareId))?.share;
      if (share?.status !== 'posted' || share.tenantId !== tenantId) continue;
      if (!supervisorsOf(share).some((s) => s.aadObjectId.toLowerCase() === asker.aadObjectId)) continue;
      const from: Owner = { tenantId, aadObjectId: share.ownerId.toLowerCase() };
      if (from.aadObjectId === asker.aadObjectId) continue;
      const askerIn = await this.membership(tenantId, share.teamId, asker.aadObjectId);
      if (askerIn === 'unknown') unknown = true;
      if (askerIn !== 'member') continue;
      const ownerIn = await this.membership(tenantId, share.teamId, share.ownerId);
      if (ownerIn === 'unknown') unknown = true;
      if (ownerIn === 'member') ownerStill = true;
      if (ownerIn !== 'not-member') continue;
      const key = ownerKey(from);
      const group = groups.get(key) ?? { from, ids: new Set<string>(), teams: new Set<string>(), teamIds: new Set<string>() };
      group.ids.add(assessmentId);
      group.teams.add(share.teamName);
      group.teamIds.add(share.teamId);
      groups.set(key, group);
    }
    if (groups.size > 0)
      return {
        kind: 'ok',
        groups: [...groups.values()].map((g) => ({ from: g.from, assessmentIds: [...g.ids].slice(0, 100), teamNames: [...g.teams], teamIds: [...g.teamIds] })),
      };
    if (unknown) return { kind: 'unknown' };
    if (ownerStill) return { kind: 'owner-still-member' };
    return { kind: 'not-supervisor' };
  }

  /**
   * Offers the reassignable assessments of the case to a colleague in the asker's tenant, one hand-over
   * per former owner, each sent to the colleague's personal chat. Checked again here: the card that asked
   * may be old or forged. The colleague must be a member of a team the case was shared to (the shares
   * move with the assessments, and a share whose practitioner is not in its team would look "departed"
   * and could be reassigned again); every group is checked before anything is offered. If the offer
   * cannot be delivered it is taken back at once: nothing changes.
   */
  async reassign(asker: Owner, caseRef: string, colleagueObjectId: string, offerId: string): Promise<ReassignResult> {
    const checked = await this.check(asker, caseRef);
    if (checked.kind !== 'ok') return checked;
    const to: Owner = { tenantId: asker.tenantId, aadObjectId: colleagueObjectId };
    for (const group of checked.groups) {
      const answers = await Promise.all(group.teamIds.map((teamId) => this.membership(asker.tenantId, teamId, colleagueObjectId)));
      if (answers.includes('member')) continue;
      if (answers.includes('unknown')) return { kind: 'unknown' };
      return { kind: 'colleague-not-in-team', teamNames: group.teamNames };
    }
    const records: HandOverRecord[] = [];
    for (const [i, group] of checked.groups.entries()) {
      const record = await this.handOvers.offer(i === 0 ? offerId : `${offerId}-${i}`, group.from, to, group.assessmentIds, asker);
      if (record.state !== 'pending') {
        records.push(record);
        continue;
      }
      let delivered: boolean;
      try {
        delivered = await this.personal.send(to, { kind: 'hand-over-offer', record }, asker);
      } catch (error) {
        await this.handOvers.withdraw(record.id, asker, 'taken-back');
        throw new Error('The reassignment offer could not be sent', { cause: error });
      }
      if (!delivered) {
        await this.handOvers.withdraw(record.id, asker, 'taken-back');
        return { kind: 'unreachable' };
      }
      records.push(record);
    }
    return { kind: 'offered', records };
  }
}
