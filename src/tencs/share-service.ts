import { ConflictError, NotFoundError } from './errors.js';
import { ownerKey } from './owner.js';
import type { Assessment } from './assessment.js';
import { assessmentAuditRecord, type AuditLog } from './audit.js';
import { caseRecordText } from './case-record.js';
import { CONNECTOR_RETRY, ConnectorFailure, REAL_CLOCK, withConnectorRetry, type Clock, type RetryPolicy } from './connector-retry.js';
import type { Owner } from './owner.js';
import {
  channelOf,
  mentionName,
  NOTE_MAX_CHARS,
  shareIdFor,
  supervisorsOf,
  type Share,
  type Supervisor,
  type SupervisionEntry,
  type TeamRef,
} from './sharing.js';
import { cleanText, excerpt, summarise, type AssessmentSummary, type LocalSafeguarding } from './summary.js';
import { supervisionPrompts, type SupervisionPrompt } from './supervision-prompts.js';
import { ukDate } from './uk-dates.js';

/** The Bot Connector as sharing needs it; implemented in src/bot, failures thrown as ConnectorError. */
export interface ChannelPort {
  /** Whether this user (their Teams user id or Entra object id) is a member of the team. */
  isMember(team: TeamRef, userId: string, signal: AbortSignal): Promise<boolean>;
  /**
   * The team member with this Entra object id (their Teams user id, the MRI "29:...", and display name),
   * or undefined when they are not a member of the team.
   */
  member(team: TeamRef, aadObjectId: string, signal: AbortSignal): Promise<{ readonly id: string; readonly name: string } | undefined>;
  /** The team's members (the first page Teams gives), to offer as choices where no people picker answers. */
  listMembers(team: TeamRef, signal: AbortSignal): Promise<readonly { readonly id: string; readonly aadObjectId: string; readonly name: string }[]>;
  /** Posts the card as a new thread in the team's general channel, @mentioning `mentions` so Teams notifies them. */
  post(team: TeamRef, card: object, signal: AbortSignal, mentions?: readonly Mention[]): Promise<{ conversationId: string; activityId: string }>;
  /** Replaces the posted card in place (with the same mentions, or none for the "removed" card). */
  update(share: Share, card: object, signal: AbortSignal, mentions?: readonly Mention[]): Promise<void>;
}

/** Someone @mentioned in a channel post: their Teams user id (MRI) and display name. */
export interface Mention {
  readonly mri: string;
  readonly name: string;
}

/**
 * Who a channel card is rendered for. `everyone`: the short card (case reference, who shared it, for whom,
 * status) that sits in the channel's message history. `owner` and `supervisor`: the full summary, as a
 * user-specific view; only a supervisor gets Acknowledge and Add a supervision note.
 */
export type ChannelAudience = 'everyone' | 'owner' | 'supervisor';

/** The mentions a share's channel post carries: its named supervisors. */
export const mentionsOf = (share: Share): Mention[] => supervisorsOf(share).map((s) => ({ mri: s.mri, name: mentionName(s.name) }));

/** What a card needs to show a summary, in the practitioner's chat or in a channel. */
export type SummaryView =
  | { readonly kind: 'preview'; readonly assessmentId: string; readonly summary: AssessmentSummary; readonly prompts: readonly SupervisionPrompt[] }
  | {
      readonly kind: 'channel';
      readonly share: Share;
      readonly audience: ChannelAudience;
      readonly summary: AssessmentSummary;
      readonly prompts: readonly SupervisionPrompt[];
      readonly acks: readonly Extract<SupervisionEntry, { kind: 'ack' }>[];
      readonly notes: readonly Extract<SupervisionEntry, { kind: 'note' }>[];
    }
  /** The assessment behind a share no longer exists (deleted by its owner or by retention). */
  | { readonly kind: 'removed'; readonly share: Share };

/** Reads an assessment only for its owner (and records refusals); the guided assessment's service. */
export interface OwnedAssessments {
  getOwned(owner: Owner, id: string): Promise<{ readonly assessment: Assessment }>;
}

/** Reads an assessment by its owner's key; used to re-make a shared summary for the thread. */
export interface AssessmentLookup {
  get(owner: Owner, id: string): Promise<{ readonly assessment: Assessment } | undefined>;
}

/** Where teams are remembered. */
export interface TeamStore {
  upsert(team: TeamRef): Promise<void>;
  get(tenantId: string, teamId: string): Promise<TeamRef | undefined>;
  listForTenant(tenantId: string): Promise<TeamRef[]>;
  delete(tenantId: string, teamId: string): Promise<boolean>;
}

/** Where shares and their acknowledgements and notes are kept. */
export interface ShareStore {
  create(share: Share): Promise<{ share: Share; etag: string }>;
  get(tenantId: string, shareId: string): Promise<{ share: Share; etag: string } | undefined>;
  replace(share: Share, etag: string): Promise<string>;
  addAck(share: Share, entry: Extract<SupervisionEntry, { kind: 'ack' }>): Promise<boolean>;
  addNote(share: Share, entry: Extract<SupervisionEntry, { kind: 'note' }>, requestId: string): Promise<boolean>;
  entries(share: Share): Promise<{ acks: Extract<SupervisionEntry, { kind: 'ack' }>[]; notes: Extract<SupervisionEntry, { kind: 'note' }>[] }>;
}

export interface ShareServiceDeps {
  readonly teams: TeamStore;
  readonly shares: ShareStore;
  readonly owned: OwnedAssessments;
  readonly lookup: AssessmentLookup;
  readonly audit: AuditLog;
  readonly port: ChannelPort;
  /** Turns a view into the card to post; the bot layer passes the card renderer. */
  readonly render: (view: SummaryView) => object;
  /** Paces supervision notes per person (on top of the per-user turn limit); keyed `${tenant}|${user}`. */
  readonly noteLimiter: { take(key: string): { readonly allowed: boolean } };
  /** The council's safeguarding procedures link and out-of-hours number, shown in routes to safety when set. */
  readonly safeguarding?: LocalSafeguarding;
  readonly retry?: RetryPolicy;
  readonly clock?: Clock;
  readonly now?: () => Date;
}

/** The practitioner asking to share. */
export interface ShareRequest {
  readonly owner: Owner;
  readonly ownerName: string;
  /** Their Teams user id, for the membership check. */
  readonly userId: string;
  readonly assessmentId: string;
  readonly teamId: string;
  /** The supervisors named with the people picker: Entra object ids, already checked for shape and count. */
  readonly supervisorIds: readonly string[];
}

export type ShareOutcome =
  | { readonly kind: 'posted'; readonly share: Share; readonly caseRef: string }
  | { readonly kind: 'already'; readonly share: Share; readonly caseRef: string }
  | { readonly kind: 'in-progress'; readonly share: Share }
  | { readonly kind: 'not-completed' }
  | { readonly kind: 'no-team' }
  | { readonly kind: 'not-member'; readonly team: TeamRef }
  /** One or more of the named supervisors is not a member of that team; nothing was posted. */
  | { readonly kind: 'supervisor-not-member'; readonly team: TeamRef; readonly count: number }
  /** The bot is no longer in that team; its reference has been dropped. */
  | { readonly kind: 'team-gone'; readonly team: TeamRef }
  | { readonly kind: 'connector'; readonly team: TeamRef; readonly failure: ConnectorFailure };

/** Where a manager's action came from, as Teams reported it. */
export interface ActionOrigin {
  readonly conversationId: string;
  readonly conversationType: string | undefined;
}

/** Someone acting on a shared summary in the thread. */
export interface ActRequest {
  readonly actor: Owner;
  readonly actorName: string;
  readonly shareId: string;
  readonly origin: ActionOrigin;
  readonly action: { readonly kind: 'ack' } | { readonly kind: 'note'; readonly text: string; readonly requestId: string };
  /** When the action happened (the activity's time), used to make a repeated delivery one note. */
  readonly at: Date;
}

export type ActOutcome =
  | { readonly kind: 'recorded'; readonly first: boolean; readonly view: SummaryView; readonly updated: boolean }
  | { readonly kind: 'refused'; readonly reason: 'unknown-share' | 'not-allowed' | 'not-supervisor' | 'not-here' }
  | { readonly kind: 'invalid'; readonly message: string };

/** One team the practitioner may share to, as the choice card shows it: never its id. */
export interface TeamChoice {
  readonly teamId: string;
  /** The team's name, told apart from any other team of the same name by when tencs was added and a count. */
  readonly label: string;
}

/** The teams the practitioner belongs to, and how many could not be checked just now. */
export interface TeamChoices {
  readonly teams: readonly TeamChoice[];
  readonly unchecked: number;
}

/** Membership lookups made at once when listing teams. */
const MEMBERSHIP_CHECKS_AT_ONCE = 8;
/** Team names are shown up to this many characters. */
const TEAM_NAME_CHARS = 80;

/** Teams whose members are offered as static supervisor choices, and at most how many colleagues. */
const SUPERVISOR_CHOICE_TEAMS = 3;
const SUPERVISOR_CHOICES_MAX = 50;

/** How long a share may sit in "posting" before another request may take it over (a crash mid-post). */
const POSTING_STALE_MS = 2 * 60_000;

/** Supervision notes one person may add to one shared summary; they are all kept and exported. */
export const NOTES_PER_PERSON_MAX = 50;
/** Supervision notes one shared summary may hold in total, from everyone. */
export const NOTES_PER_SHARE_MAX = 500;
/** How fast one person may add notes (any share): a few at once, then a few a minute. */
export const NOTE_RATE = { burst: 3, perMinute: 3 } as const;

export const NOTE_EMPTY = 'Write a note before saving it.';
export const NOTE_PERSON_LIMIT = `You have added ${NOTES_PER_PERSON_MAX} supervision notes to this summary, which is as many as one person can add to it, so this note was not saved. Your text is still in the box: you could copy it into your own supervision record, or talk it through with the practitioner.`;
export const NOTE_SHARE_LIMIT = `This summary already has ${NOTES_PER_SHARE_MAX} supervision notes, which is as many as it can hold, so this note was not saved. Your text is still in the box: you could copy it into your own supervision record. The practitioner can share the assessment again once it has been reviewed.`;
export const NOTE_TOO_FAST =
  'You are adding notes faster than I can take them, so this one was not saved. Your text is still in the box: please wait a minute, then save it again.';
export const NOTE_TOO_LONG = `A supervision note can be at most ${NOTE_MAX_CHARS} characters. Your text is still in the box: please shorten it and save again.`;

/**
 * Sharing a completed assessment's summary to a team channel, and the thread's acknowledgements and
 * supervision notes. No SDK: the Bot Connector is behind ChannelPort.
 */
export class ShareService {
  private readonly retry: RetryPolicy;
  private readonly clock: Clock;
  private readonly now: () => Date;

  constructor(private readonly deps: ShareServiceDeps) {
    this.retry = deps.retry ?? CONNECTOR_RETRY;
    this.clock = deps.clock ?? REAL_CLOCK;
    this.now = deps.now ?? (() => new Date());
  }

  /** Remembers a team the bot was added to. */
  async teamInstalled(team: TeamRef): Promise<void> {
    await this.deps.teams.upsert(team);
  }

  /** Forgets a team the bot was removed from (or that was deleted). */
  async teamRemoved(tenantId: string, teamId: string): Promise<boolean> {
    return this.deps.teams.delete(tenantId, teamId);
  }

  /**
   * The teams tencs is in that this practitioner belongs to (asked of the Bot Connector, as sharing
   * does), labelled so that two teams of the same name can be told apart. A team the bot has gone
   * from is forgotten; one whose membership could not be checked just now is counted, not listed.
   */
  async teamsFor(owner: Owner, userId: string): Promise<TeamChoices> {
    const all = await this.deps.teams.listForTenant(owner.tenantId);
    const verdicts: ('member' | 'not-member' | 'gone' | 'unchecked')[] = new Array<'member' | 'not-member' | 'gone' | 'unchecked'>(all.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < all.length) {
        const i = next++;
        const team = all[i]!;
        try {
          verdicts[i] = (await withConnectorRetry((signal) => this.deps.port.isMember(team, userId, signal), this.retry, this.clock)) ? 'member' : 'not-member';
        } catch (error) {
          if (!(error instanceof ConnectorFailure)) throw error;
          if (error.kind === 'gone') await this.deps.teams.delete(team.tenantId, team.teamId);
          verdicts[i] = error.kind === 'gone' ? 'gone' : 'unchecked';
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(MEMBERSHIP_CHECKS_AT_ONCE, all.length) }, worker));
    const mine = all.filter((_, i) => verdicts[i] === 'member');
    return { teams: labelTeams(mine), unchecked: verdicts.filter((v) => v === 'unchecked').length };
  }

  /**
   * Colleagues to offer as static choices beside the people picker (the Agents Playground and any client
   * without typeahead): the members of the offered teams, the practitioner left out, by name. A team
   * whose members cannot be listed just now adds none; the server checks membership again on posting.
   */
  async supervisorChoices(owner: Owner, teams: readonly TeamChoice[]): Promise<{ readonly aadObjectId: string; readonly name: string }[]> {
    const found = new Map<string, string>();
    for (const choice of teams.slice(0, SUPERVISOR_CHOICE_TEAMS)) {
      const team = await this.deps.teams.get(owner.tenantId, choice.teamId);
      if (!team) continue;
      try {
        const members = await withConnectorRetry((signal) => this.deps.port.listMembers(team, signal), this.retry, this.clock);
        for (const m of members) {
          const id = m.aadObjectId.toLowerCase();
          if (id !== owner.aadObjectId && !found.has(id)) found.set(id, excerpt(cleanText(m.name), TEAM_NAME_CHARS).text || 'Unnamed colleague');
        }
      } catch (error) {
        if (!(error instanceof ConnectorFailure)) throw error;
      }
    }
    return [...found.entries()]
      .map(([aadObjectId, name]) => ({ aadObjectId, name }))
      .sort((x, y) => x.name.localeCompare(y.name))
      .slice(0, SUPERVISOR_CHOICES_MAX);
  }

  /** The owner's summary and prompts (NotFoundError for anyone else's); recorded as viewed. */
  async preview(owner: Owner, assessmentId: string, detail = 'summary'): Promise<SummaryView & { kind: 'preview' }> {
    const { assessment } = await this.deps.owned.getOwned(owner, assessmentId);
    const summary = summarise(assessment, this.deps.safeguarding, await this.previousOf(owner, assessment));
    await this.audit(owner, 'viewed', assessment, detail);
    return { kind: 'preview', assessmentId: assessment.id, summary, prompts: supervisionPrompts(summary) };
  }

  /** The assessment a reassessment started from, while its owner still has it (for "what changed since"). */
  private async previousOf(owner: Owner, a: Assessment): Promise<Assessment | undefined> {
    if (!a.previousId) return undefined;
    try {
      return (await this.deps.owned.getOwned(owner, a.previousId)).assessment;
    } catch (error) {
      // Deleted or handed over since: the summary simply has no comparison.
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  /** The summary as plain text for the owner's case record. */
  async caseRecord(owner: Owner, assessmentId: string): Promise<string> {
    const view = await this.preview(owner, assessmentId, 'case-record-copy');
    return caseRecordText(view.summary);
  }

  /** Posts the owner's completed assessment summary as a new thread in one of their teams. */
  async share(request: ShareRequest): Promise<ShareOutcome> {
    const { owner } = request;
    const { assessment } = await this.deps.owned.getOwned(owner, request.assessmentId);
    if (assessment.status !== 'completed') return { kind: 'not-completed' };
    const team = await this.deps.teams.get(owner.tenantId, request.teamId);
    if (!team) return { kind: 'no-team' };

    let member: boolean;
    try {
      member = await withConnectorRetry((signal) => this.deps.port.isMember(team, request.userId, signal), this.retry, this.clock);
    } catch (error) {
      return this.connectorOutcome(team, error);
    }
    if (!member) {
      await this.audit(owner, 'refused', assessment, 'share-not-member');
      return { kind: 'not-member', team };
    }

    // Each named supervisor must be in that team; their Teams user id (MRI) is what refresh and mentions take.
    const supervisors: Supervisor[] = [];
    let strangers = 0;
    try {
      for (const id of request.supervisorIds) {
        const found = await withConnectorRetry((signal) => this.deps.port.member(team, id, signal), this.retry, this.clock);
        if (found) supervisors.push({ aadObjectId: id.toLowerCase(), mri: found.id, name: cleanText(found.name).slice(0, 200) || 'A supervisor' });
        else strangers++;
      }
    } catch (error) {
      return this.connectorOutcome(team, error);
    }
    if (strangers > 0 || supervisors.length === 0) {
      await this.audit(owner, 'refused', assessment, 'share-supervisor-not-member');
      return { kind: 'supervisor-not-member', team, count: Math.max(1, strangers) };
    }

    const caseRef = assessment.setup?.caseRef ?? '';
    const claimed = await this.claim(request, assessment, team, supervisors);
    if (claimed.kind !== 'claimed') return claimed.kind === 'already' ? { ...claimed, caseRef } : claimed;
    const { etag } = claimed;
    let { share } = claimed;

    let posted: { conversationId: string; activityId: string };
    try {
      const summary = summarise(assessment, this.deps.safeguarding);
      // What sits in the channel's history: the short card only, whoever reads it.
      const card = this.deps.render({ kind: 'channel', share, audience: 'everyone', summary, prompts: supervisionPrompts(summary), acks: [], notes: [] });
      posted = await withConnectorRetry((signal) => this.deps.port.post(team, card, signal, mentionsOf(share)), this.retry, this.clock);
    } catch (error) {
      // The assessment itself is never touched here; only the share is marked so it can be tried again.
      await this.deps.shares.replace({ ...share, status: 'failed', updatedAt: this.now().toISOString() }, etag);
      return this.connectorOutcome(team, error);
    }
    const at = this.now().toISOString();
    share = { ...share, status: 'posted', conversationId: posted.conversationId, activityId: posted.activityId, postedAt: at, updatedAt: at };
    await this.deps.shares.replace(share, etag);
    await this.audit(owner, 'shared', assessment, team.teamId);
    return { kind: 'posted', share, caseRef };
  }

  /** An acknowledgement or a note from someone in the thread (or the owner), then the card to show. */
  async act(request: ActRequest): Promise<ActOutcome> {
    const found = await this.deps.shares.get(request.actor.tenantId, request.shareId);
    if (!found) return { kind: 'refused', reason: 'unknown-share' };
    let share = found.share;
    if (share.status !== 'posted') {
      const adopted = await this.adoptLateThread(found, request);
      if (!adopted) return { kind: 'refused', reason: 'unknown-share' };
      share = adopted;
    }
    const isOwner = share.ownerId === request.actor.aadObjectId;
    const inThread = request.origin.conversationType === 'channel' && channelOf(request.origin.conversationId) === share.channelId;
    const personal = (request.origin.conversationType ?? 'personal') === 'personal';
    // The owner acting from a group chat or another channel: the reply card would show the case there.
    if (isOwner && !inThread && !personal) return { kind: 'refused', reason: 'not-here' };
    if (supervisorsOf(share).length > 0) {
      // Named supervisors only (the owner may view, not acknowledge); card data says nothing about who is asking.
      if (!isSupervisor(share, request.actor.aadObjectId)) {
        await this.auditShareAction(request, share, 'refused');
        return { kind: 'refused', reason: 'not-supervisor' };
      }
    } else if (!isOwner && !inThread) {
      // A share made before supervisors were named: anyone in the thread, as before.
      await this.auditShareAction(request, share, 'refused');
      return { kind: 'refused', reason: 'not-allowed' };
    }
    // The owner may act from their personal chat or the thread; anywhere else (a group chat, another
    // channel) the reply card would show the case reference and notes to whoever is there.
    if (!inThread && !personal) return { kind: 'refused', reason: 'not-here' };

    const at = (Number.isNaN(request.at.getTime()) ? this.now() : request.at).toISOString();
    const author = { authorId: request.actor.aadObjectId, authorName: cleanText(request.actorName).slice(0, 200) || 'Someone in the team', at };
    let first: boolean;
    if (request.action.kind === 'ack') {
      first = await this.deps.shares.addAck(share, { kind: 'ack', ...author });
    } else {
      const text = cleanText(request.action.text);
      if (!text) return { kind: 'invalid', message: NOTE_EMPTY };
      if (text.length > NOTE_MAX_CHARS) return { kind: 'invalid', message: NOTE_TOO_LONG };
      const bounded = await this.noteBound(request, share);
      if (bounded) return { kind: 'invalid', message: bounded };
      first = await this.deps.shares.addNote(share, { kind: 'note', ...author, text }, request.action.requestId);
    }
    if (first) {
      await this.auditShareAction(request, share, 'acknowledged');
    }

    const view = await this.channelView(share, audienceOf(share, request.actor.aadObjectId));
    let updated = false;
    try {
      // The channel's own copy is always the short card; the person who acted gets their own view in reply.
      const everyone = view.kind === 'channel' ? { ...view, audience: 'everyone' as const } : view;
      const card = this.deps.render(everyone);
      await withConnectorRetry(
        (signal) => this.deps.port.update(share, card, signal, view.kind === 'channel' ? mentionsOf(share) : []),
        this.retry,
        this.clock,
      );
      updated = true;
    } catch (error) {
      // What was recorded stays recorded; the person who acted still gets the fresh card in reply.
      if (!(error instanceof ConnectorFailure)) throw error;
    }
    return { kind: 'recorded', first, view, updated };
  }

  /**
   * A post we gave up on (no answer within the budget) may still have created its thread: Teams tells us
   * only when someone acts on that card, from a thread of the share's own channel. Then the thread is
   * recorded as the share's post, so a later delete replaces that card and "Try again" posts no second
   * thread. Only a failed share is adopted (a "posting" one is still being answered).
   */
  private async adoptLateThread(found: { share: Share; etag: string }, request: ActRequest): Promise<Share | undefined> {
    const { share, etag } = found;
    const conversationId = request.origin.conversationId;
    const rootId = /;messageid=([^;]+)$/.exec(conversationId)?.[1];
    if (share.status !== 'failed' || request.origin.conversationType !== 'channel' || channelOf(conversationId) !== share.channelId || !rootId)
      return undefined;
    const at = this.now().toISOString();
    const adopted: Share = { ...share, status: 'posted', conversationId, activityId: rootId, postedAt: at, updatedAt: at };
    try {
      await this.deps.shares.replace(adopted, etag);
    } catch (error) {
      // Changed meanwhile (the owner pressed "Try again"): read it again on the next action.
      if (error instanceof ConflictError) return undefined;
      throw error;
    }
    // Audited as the owner's share, as an answered post would have been (with the case reference, for the case index).
    const owner = { tenantId: share.tenantId, aadObjectId: share.ownerId };
    const stored = await this.deps.lookup.get(owner, share.assessmentId);
    if (stored) await this.audit(owner, 'shared', stored.assessment, share.teamId);
    return adopted;
  }

  /** The thread's card as it should look now for `audience`: the summary re-made from the assessment, with acks and notes. */
  async channelView(share: Share, audience: ChannelAudience = 'everyone'): Promise<SummaryView> {
    const stored = await this.deps.lookup.get({ tenantId: share.tenantId, aadObjectId: share.ownerId }, share.assessmentId);
    if (!stored) return { kind: 'removed', share };
    const summary = summarise(stored.assessment, this.deps.safeguarding);
    const { acks, notes } = await this.deps.shares.entries(share);
    return { kind: 'channel', share, audience, summary, prompts: supervisionPrompts(summary), acks, notes };
  }

  /**
   * The card one person sees for a shared summary (Teams' refresh, or "Show the summary"): decided here
   * from who Teams says is asking, never from the card's data. A named supervisor or the owner gets the
   * full summary; anyone else, the short card. Another tenant's share is unknown.
   */
  async show(actor: Owner, shareId: string): Promise<{ kind: 'view'; view: SummaryView } | { kind: 'unknown-share' }> {
    const found = await this.deps.shares.get(actor.tenantId, shareId);
    if (found?.share.status !== 'posted') return { kind: 'unknown-share' };
    return { kind: 'view', view: await this.channelView(found.share, audienceOf(found.share, actor.aadObjectId)) };
  }

  /** Creates the share in "posting", or takes over a failed or abandoned one; reports an existing post. */
  private async claim(
    request: ShareRequest,
    assessment: Assessment,
    team: TeamRef,
    supervisors: readonly Supervisor[],
  ): Promise<{ kind: 'claimed'; share: Share; etag: string } | { kind: 'already'; share: Share } | { kind: 'in-progress'; share: Share }> {
    const at = this.now().toISOString();
    const fresh: Share = {
      id: shareIdFor(request.owner.tenantId, assessment.id, team.teamId),
      tenantId: request.owner.tenantId,
      assessmentId: assessment.id,
      ownerId: request.owner.aadObjectId,
      ownerName: cleanText(request.ownerName).slice(0, 200),
      teamId: team.teamId,
      teamName: team.teamName,
      channelId: team.channelId,
      serviceUrl: team.serviceUrl,
      ownerMri: request.userId,
      supervisors: [...supervisors],
      status: 'posting',
      createdAt: at,
      updatedAt: at,
    };
    try {
      const created = await this.deps.shares.create(fresh);
      return { kind: 'claimed', share: created.share, etag: created.etag };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
    const existing = await this.deps.shares.get(fresh.tenantId, fresh.id);
    if (!existing) throw new NotFoundError('The share disappeared while it was being claimed');
    const { share, etag } = existing;
    if (share.status === 'posted') return { kind: 'already', share };
    const stale = this.now().getTime() - new Date(share.updatedAt).getTime() > POSTING_STALE_MS;
    if (share.status === 'posting' && !stale) return { kind: 'in-progress', share };
    const retaken: Share = { ...fresh, createdAt: share.createdAt };
    try {
      return { kind: 'claimed', share: retaken, etag: await this.deps.shares.replace(retaken, etag) };
    } catch (error) {
      // Another request took it over first: that one is posting now.
      if (error instanceof ConflictError) return { kind: 'in-progress', share };
      throw error;
    }
  }

  private async connectorOutcome(team: TeamRef, error: unknown): Promise<ShareOutcome> {
    if (!(error instanceof ConnectorFailure)) throw error;
    if (error.kind === 'gone') {
      await this.deps.teams.delete(team.tenantId, team.teamId);
      return { kind: 'team-gone', team };
    }
    return { kind: 'connector', team, failure: error };
  }

  /**
   * Why this note may not be added (a person's or the share's notes are at their bound, or they are
   * adding notes too fast), or undefined when it may. Nothing is written either way.
   */
  private async noteBound(request: ActRequest, share: Share): Promise<string | undefined> {
    const { notes } = await this.deps.shares.entries(share);
    if (notes.length >= NOTES_PER_SHARE_MAX) return NOTE_SHARE_LIMIT;
    if (notes.filter((n) => n.authorId === request.actor.aadObjectId).length >= NOTES_PER_PERSON_MAX) return NOTE_PERSON_LIMIT;
    if (!this.deps.noteLimiter.take(`${request.actor.tenantId}|${request.actor.aadObjectId}`).allowed) return NOTE_TOO_FAST;
    return undefined;
  }

  /** Audits a manager's action on a shared summary (acknowledge or note), or its refusal. */
  private async auditShareAction(request: ActRequest, share: Share, action: 'refused' | 'acknowledged'): Promise<void> {
    await this.deps.audit.record({
      actorTenantId: request.actor.tenantId,
      actorId: request.actor.aadObjectId,
      action,
      assessmentId: share.assessmentId,
      ownerKey: ownerKey({ tenantId: share.tenantId, aadObjectId: share.ownerId }),
      detail: request.action.kind === 'ack' ? 'share-ack' : 'share-note',
    });
  }

  private async audit(owner: Owner, action: 'viewed' | 'shared' | 'refused', a: Assessment, detail: string): Promise<void> {
    // The trail takes identifiers only; a team id with anything else in it is kept readable but safe.
    await this.deps.audit.record(assessmentAuditRecord(owner, action, a, detail.replace(/[^A-Za-z0-9:@._-]/g, '_').slice(0, 120)));
  }
}

const isSupervisor = (share: Share, aadObjectId: string): boolean => supervisorsOf(share).some((s) => s.aadObjectId === aadObjectId.toLowerCase());

/** Who this person is to the share: a named supervisor, its owner, or anyone else. */
export function audienceOf(share: Share, aadObjectId: string): ChannelAudience {
  if (isSupervisor(share, aadObjectId)) return 'supervisor';
  if (share.ownerId === aadObjectId) return 'owner';
  return 'everyone';
}

/**
 * Labels for a list of teams: the name alone when it is the only team of that name; otherwise the
 * name with when tencs was added and its place among the teams of that name (oldest first), so that
 * no two labels are the same and no id is shown.
 */
export function labelTeams(teams: readonly TeamRef[]): TeamChoice[] {
  const nameOf = (t: TeamRef) => excerpt(t.teamName, TEAM_NAME_CHARS).text || 'Unnamed team';
  const groups = new Map<string, TeamRef[]>();
  for (const t of teams) {
    const key = nameOf(t).toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return teams.map((t) => {
    const same = (groups.get(nameOf(t).toLowerCase()) ?? [t])
      .slice()
      .sort((a, b) => a.installedAt.localeCompare(b.installedAt) || a.teamId.localeCompare(b.teamId));
    if (same.length === 1) return { teamId: t.teamId, label: nameOf(t) };
    const place = same.indexOf(t) + 1;
    return { teamId: t.teamId, label: `${nameOf(t)} (team ${place} of ${same.length} with this name, tencs added ${ukDate(t.installedAt.slice(0, 10))})` };
  });
}
