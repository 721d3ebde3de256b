/** Every word a user sees from tencs outside a card template, in one place (UK English, kind, with what to do next). */
export const MESSAGES = {
  storageDownTitle: 'Storage is not answering',
  storageDown: "I couldn't reach storage just now, so I couldn't do that. Nothing you saved earlier is lost. Please try again in a minute.",
  noOwnerTitle: 'Who is this?',
  noOwner: 'I could not tell who sent this, so I did nothing. Please use tencs from Microsoft Teams.',
  staleCardTitle: 'Out of date card',
  staleCard: 'This card is out of date or incomplete, so I did not act on it. Type **resume** to carry on where you left off.',
  unknownCommand:
    "I didn't recognise that. Type **start** to begin an assessment, **resume** to carry on, **my assessments** to see your list, **consult** for the guide's questions on any C, or **help** for everything I can do.",
  rateLimited:
    "You're sending me messages faster than I can take them, so I've paused for a moment. Nothing you've already saved is lost. Please wait a minute, then carry on.",
  attachmentRefused:
    "I can't accept images or files, so I haven't opened, saved or passed on what you sent. " +
    'The 10 Cs guide cautions that sharing and viewing online abuse can continue the abuse and harm the young person again, ' +
    'and that sharing, viewing or keeping indecent images of children is a criminal offence: such images must never go into referrals, emails or case notes. ' +
    'If something needs recording as evidence, describe it in words (what it showed, where and when it was seen) and follow your local procedure for evidence, ' +
    'which may mean passing it to the police rather than copying it. If your message also had text for me, please send the text again on its own.',

  // The guided assessment.
  assessmentNotFoundTitle: "I can't open that assessment",
  assessmentNotFound:
    "I couldn't find that assessment among yours. It may have been deleted, or it may belong to someone else: each practitioner can only open their own. Choose My assessments to see yours.",
  tooLarge:
    'Not saved: together these answers are too long for Teams to show on one card. Please shorten one or two of them (your text is still on the card) and try again.',
  nothingToResume: 'You have no unfinished assessment. Type **start** to begin one, or **my assessments** to see your completed ones.',
  assessmentPersonalOnlyTitle: 'Assessments stay in our personal chat',
  assessmentPersonalOnly:
    'To keep case details private, I only run assessments in your personal chat with me, never in a channel or group chat, where everyone could see the answers. Open a chat with tencs and type start, resume or my assessments there. Here, you can @mention me with consult to look at the guide.',

  // Delete, export, audit.
  privacyPersonalOnly:
    'For privacy I only delete, export or show audit trails in our personal chat, never in a channel or group. Open a chat with me and type the command there.',
  noneFoundTitle: 'No assessment of yours has that case reference',
  noneFound:
    'Check the reference and try again, or choose My assessments to see yours. You can delete and export only your own assessments; you can see the audit trail of your own, and of those shared to a team you are a member of.',
  notYoursTitle: "I can't do that",
  notYours: "That assessment isn't among yours: it may already be deleted, or belong to someone else. Nothing was changed. Choose My assessments to see yours.",
  deletedTitle: 'Assessment deleted',
  deleted:
    'Every answer in it has been removed from tencs. If you shared its summary to a team, the channel card now says it was removed, and its acknowledgements and notes are deleted too. The audit trail keeps a note that you deleted it.',
  deletedCardPending:
    "Every answer in it has been removed from tencs, with the shared summary's acknowledgements and notes. Teams did not let me update the channel card just now, so it may still show the summary for a while: I'll keep trying until it says the assessment was removed. The audit trail keeps a note that you deleted it.",
  keptTitle: 'Nothing deleted',
  kept: 'The assessment is kept as it was.',
  keptAll: 'Everything is kept as it was.',
  handOverUnderWayTitle: 'Not deleted: a hand-over is under way',
  deletedAllTitle: 'All your data is deleted',
  notStartedTitle: 'No assessment started',
  notStarted: "That's fine: nothing was saved. Type start whenever you're ready.",
  alreadyStarted:
    'This assessment already has something saved in it, so I kept it. Type resume to carry on, or delete followed by its case reference if you want it removed.',

  // Summaries and sharing to a team.
  shareNotYours: "I couldn't find that assessment among yours. Each practitioner can only view, copy or share their own assessments.",
  shareRefusedAction:
    'Only members of the team this summary was shared with, and the practitioner who shared it, can acknowledge it or add supervision notes. Nothing was recorded.',
  unknownShare: "I can't find this shared summary any more, so nothing was recorded.",
  shareNotSupervisor:
    'Only the supervisors the practitioner named on this summary can acknowledge it or add supervision notes. Nothing was recorded. If you should be one of them, ask the practitioner to share it with you.',
  unknownShareView: "I can't find this shared summary any more, so there is nothing to show.",
  supervisorsNone: 'Name at least one supervisor from the team to share the summary with. Nothing was posted.',
  supervisorsNotId: "I couldn't read the people you chose, so nothing was posted. Please choose the supervisors again.",
  supervisorsTooMany: 'You can name up to 5 supervisors for one summary. Please choose fewer; nothing was posted.',
  copySent: "I've sent you the summary as plain text in our chat, ready to paste into your case record.",
  summaryPersonalOnlyTitle: 'Summaries stay in our personal chat',
  summaryPersonalOnly:
    "To keep case details private, I only show an assessment's summary in your personal chat with me, or in the team thread it was shared to. Nothing was recorded or shown here. Open a chat with tencs to view, copy or share it.",
  copyPersonalOnly: 'Copy for case record works in your personal chat with tencs, so the text is only sent to you.',
  summaryTooLarge: 'The summary is too long for Teams to show on one card. Please use Copy for case record instead.',
} as const;

export type MessageKey = keyof typeof MESSAGES;

/** What to type after delete, export or audit when the case reference is missing or malformed. */
export const needCaseRef = (command: string): string =>
  `Type ${command} followed by the case reference, for example: ${command} CR-1234. Case references use letters, digits and dashes.`;

/** After "delete all my data": what went, and whether a channel card may still show for a while. */
export const deletedAll = (assessments: number, cardPending: boolean): string =>
  `${assessments === 0 ? 'You had no assessments left in tencs.' : assessments === 1 ? 'Your one assessment is deleted, with every answer in it.' : `Your ${assessments} assessments are deleted, with every answer in them.`} ` +
  'Any summaries you shared, with their acknowledgements and notes, your reminder settings, the records of finished hand-overs you were part of and the note of where this chat is are gone too. ' +
  (cardPending ? 'Teams did not let me update a channel card just now, so it may still show a summary for a while: I will keep trying. ' : '') +
  'The audit trail keeps a note of what was deleted and when, never the content. If you use tencs again, I will simply start afresh.';
