import type { ShareOutcome, SummaryView, TeamChoices } from '../tencs/share-service.js';
import { excerpt } from '../tencs/summary.js';
import { renderCard, type AdaptiveCardJson } from './render.js';
import { ackNamesLine, renderSummaryCard } from './summary-cards.js';
import { mentionName, SUPERVISORS_MAX, supervisorsOf, type Share } from '../tencs/sharing.js';

/** The card for a summary view: the practitioner's preview, the channel card, or the "no longer available" card. */
export function renderSummaryView(view: SummaryView): AdaptiveCardJson {
  switch (view.kind) {
    case 'preview':
      return renderSummaryCard(view.summary, view.prompts, { kind: 'preview', assessmentId: view.assessmentId });
    case 'channel': {
      const acks = view.acks.map((a) => ({ name: a.authorName, at: a.at }));
      if (view.audience === 'everyone') return renderChannelCard(view.share, view.summary.caseRef, acks);
      const card = renderSummaryCard(view.summary, view.prompts, {
        kind: 'channel',
        shareId: view.share.id,
        sharedBy: view.share.ownerName,
        acks,
        notes: view.notes.map((n) => ({ author: n.authorName, at: n.at, text: n.text })),
        fullView: true,
        canSupervise: view.audience === 'supervisor',
        refreshUserIds: refreshUserIds(view.share),
      });
      return card;
    }
    case 'removed':
      return renderCard('share-removed', { counts: 'Acknowledgements and supervision notes made here were deleted with it.' });
  }
}

/** Who Teams refreshes a shared card for: the named supervisors and the practitioner (their Teams user ids). */
export function refreshUserIds(share: Share): string[] {
  return [...new Set([...supervisorsOf(share).map((s) => s.mri), ...(share.ownerMri ? [share.ownerMri] : [])])];
}

/**
 * The card in the channel's message history, the same for everyone: the case reference, who shared it,
 * for whom (@mentioned) and its status. Nothing typed about the child; the full summary comes only as a
 * user-specific view (refresh, or "Show the summary"), decided on the server for each person.
 */
export function renderChannelCard(share: Share, caseRef: string, acks: readonly { name: string; at: string }[]): AdaptiveCardJson {
  // A mention's name sits in a TextBlock (Teams renders mentions only there): letters, digits, spaces, . ' - only.
  const supervisors = supervisorsOf(share).map((s) => ({ ...s, name: mentionName(s.name) }));
  const at = (name: string) => `<at>${name}</at>`;
  return renderCard('share-channel', {
    caseRef,
    shareId: share.id,
    sharedBy: excerpt(share.ownerName, NAME_CHARS).text || 'a practitioner',
    hasFor: supervisors.length > 0,
    forText: supervisors.map((s) => at(s.name)).join(', '),
    mentions: supervisors.map((s) => ({ type: 'mention', text: at(s.name), mentioned: { id: s.mri, name: s.name } })),
    userIds: refreshUserIds(share),
    status: acks.length === 0 ? 'Shared, not acknowledged yet.' : `Acknowledged by ${ackNamesLine(acks)}.`,
    whoSees:
      supervisors.length > 0
        ? 'Only the supervisors named here and the practitioner who shared it can open the full summary. Teams shows it to them on this card; if it does not, choose Show the summary.'
        : 'Only the practitioner who shared it can open the full summary. If Teams does not show it on this card, choose Show the summary.',
  });
}

const NAME_CHARS = 80;

/** At most this many teams are offered on one card; names are shown up to TEAM_NAME_CHARS. */
export const TEAMS_SHOWN = 50;
const TEAM_NAME_CHARS = 80;

const teamName = (t: { teamName: string }) => excerpt(t.teamName, TEAM_NAME_CHARS).text || 'Unnamed team';

/** "Share with my team": the teams tencs is in that the practitioner belongs to, to choose one. */
export function renderShareChoose(
  assessmentId: string,
  caseRef: string,
  choices: TeamChoices,
  colleagues: readonly { readonly aadObjectId: string; readonly name: string }[] = [],
  problem = '',
): AdaptiveCardJson {
  const { teams, unchecked } = choices;
  const shown = teams.slice(0, TEAMS_SHOWN);
  return renderCard('share-choose', {
    assessmentId,
    caseRef,
    hasProblem: problem !== '',
    problem,
    supervisorMax: SUPERVISORS_MAX,
    // The team's members as plain choices when Teams lists them (any client, the Playground included);
    // otherwise Teams' people picker searching the organisation (membership is checked on posting).
    hasColleagues: colleagues.length > 0,
    colleagues: colleagues.map((c) => ({ id: c.aadObjectId, name: c.name })),
    hasTeams: shown.length > 0,
    selected: shown.length === 1 ? shown[0]!.teamId : '',
    teams: shown.map((t) => ({ id: t.teamId, name: t.label })),
    hasMore: teams.length > shown.length,
    moreText: `You belong to ${teams.length} teams that tencs is in; the first ${shown.length} by name are listed. If yours is missing, ask your Teams administrator.`,
    hasUnchecked: unchecked > 0,
    canCheckAgain: shown.length === 0 || unchecked > 0,
    uncheckedText: `I couldn't check just now whether you belong to ${unchecked === 1 ? 'one other team' : `${unchecked} other teams`} that tencs is in, so ${unchecked === 1 ? 'it is' : 'they are'} not listed. Choose Check again in a minute.`,
  });
}

const WHEN = (iso: string | undefined) => (iso ? iso.slice(0, 10) : 'an earlier date');

/** What happened to a "Post to the team", in words the practitioner can act on. */
export function renderShareResult(assessmentId: string, outcome: ShareOutcome): AdaptiveCardJson {
  const base = {
    assessmentId,
    hasAssessment: true,
    teamId: '',
    teamName: '',
    hasTeam: false,
    caseRef: '',
    hasCaseRef: false,
    canRetry: false,
    canChoose: false,
    titleColor: 'Default',
  };
  const team = (t: { teamId: string; teamName: string }) => ({ teamId: t.teamId, teamName: teamName(t), hasTeam: true });
  let data: Record<string, unknown>;
  switch (outcome.kind) {
    case 'posted':
      data = {
        ...base,
        ...team(outcome.share),
        caseRef: outcome.caseRef,
        hasCaseRef: true,
        titleColor: 'Good',
        title: 'Shared with your team',
        message:
          "The summary is now a new conversation in the team's channel where tencs was added (usually General). Managers can acknowledge it and add supervision notes there; you will see them on the card in the channel. Your assessment is unchanged.",
      };
      break;
    case 'already':
      data = {
        ...base,
        ...team(outcome.share),
        caseRef: outcome.caseRef,
        hasCaseRef: true,
        title: 'Already shared with this team',
        message: `This assessment was shared with this team on ${WHEN(outcome.share.postedAt)}, so I haven't posted it again. Open the team's channel where tencs was added (usually General) to see the conversation, acknowledgements and notes.`,
        canChoose: true,
      };
      break;
    case 'in-progress':
      data = {
        ...base,
        ...team(outcome.share),
        title: 'Already being shared',
        message: "I'm posting this summary to the team right now. Give it a moment, then look in the team's channel where tencs was added (usually General).",
      };
      break;
    case 'not-completed':
      data = { ...base, title: 'Not completed yet', message: 'Only a completed assessment can be shared. Please complete it first, then share its summary.' };
      break;
    case 'no-team':
      data = {
        ...base,
        title: "I can't find that team",
        message: 'tencs may have been removed from that team since you opened this card. Please choose a team again.',
        canChoose: true,
      };
      break;
    case 'not-member':
      data = {
        ...base,
        ...team(outcome.team),
        title: "You're not in that team",
        message:
          "I only post to teams you belong to, because everyone in the team can read the summary. Please choose one of your own teams (I haven't posted anything).",
        canChoose: true,
      };
      break;
    case 'supervisor-not-member':
      data = {
        ...base,
        ...team(outcome.team),
        title: 'Choose supervisors from that team',
        message:
          outcome.count === 1
            ? "One of the people you named isn't a member of that team, so I haven't posted anything. Please name supervisors who belong to the team you are sharing with."
            : `${outcome.count} of the people you named aren't members of that team, so I haven't posted anything. Please name supervisors who belong to the team you are sharing with.`,
        canChoose: true,
      };
      break;
    case 'team-gone':
      data = {
        ...base,
        ...team(outcome.team),
        titleColor: 'Attention',
        title: 'tencs is no longer in that team',
        message:
          "I couldn't post there: tencs seems to have been removed from the team, so I've taken it off your list. Nothing was posted, and your assessment is safe and unchanged. Ask the team's owner to add tencs again, or choose another team.",
        canChoose: true,
      };
      break;
    case 'connector': {
      const f = outcome.failure;
      const message =
        f.kind === 'throttled'
          ? `Teams is busy and asked me to wait${f.retryAfterMs ? ` about ${Math.max(1, Math.ceil(f.retryAfterMs / 1000))} seconds` : ''}, so the summary was not posted. Your assessment is safe and unchanged. Please try again in a minute.`
          : f.kind === 'timeout'
            ? "Teams didn't answer in time, so I can't be sure the summary reached the team. Your assessment is safe and unchanged. Please look in the team's channel where tencs was added (usually General) before you try again."
            : 'Teams returned an error, so the summary was not posted. Your assessment is safe and unchanged. Please try again; if it keeps happening, tell your Teams administrator.';
      data = { ...base, ...team(outcome.team), titleColor: 'Attention', title: 'Not shared yet', message, canRetry: true, canChoose: true };
      break;
    }
  }
  return renderCard('share-result', data);
}
