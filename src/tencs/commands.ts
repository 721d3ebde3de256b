/** What a practitioner can type. Parsing is forgiving of case, spacing and punctuation. */
export const COMMANDS = [
  'start',
  'resume',
  'list',
  'help',
  'consult',
  'cautions',
  'practice-example',
  'changes',
  'standards',
  'delete',
  'export',
  'audit',
  'reassess',
  'compare',
  'reminders',
  'hand-over',
  'reassign',
] as const;
export type CommandKind = (typeof COMMANDS)[number];

export interface ParsedCommand {
  readonly kind: CommandKind | 'unknown';
  /** Whatever followed the command word(s), trimmed; never logged. */
  readonly arg: string;
}

const PATTERNS: readonly [RegExp, CommandKind][] = [
  [/^(start|new|begin)(\s+(an?\s+)?(new\s+)?assessment)?\b/, 'start'],
  [/^(resume|continue)\b/, 'resume'],
  [/^(my\s+assessments?|list|assessments)\b/, 'list'],
  [/^(help|\?|commands|menu|hi|hello|hey|hiya|good (morning|afternoon|evening))(?![a-z])/, 'help'],
  [/^consult(ation)?\b/, 'consult'],
  [/^(cautions?|warnings?)\b/, 'cautions'],
  [/^(practice\s+example|example|sally)\b/, 'practice-example'],
  [/^(changes?|transitions?|lockdown)\b/, 'changes'],
  [/^(standards?|professional\s+standards)\b/, 'standards'],
  [/^delete\b/, 'delete'],
  [/^export\b/, 'export'],
  [/^audit\b/, 'audit'],
  [/^re-?assess(ment)?\b/, 'reassess'],
  [/^compare\b/, 'compare'],
  [/^reminders?\b/, 'reminders'],
  [/^hand[\s-]?over\b/, 'hand-over'],
  [/^re-?assign\b/, 'reassign'],
];

/** Turns typed text (mentions already removed) into a command and its argument. */
export function parseCommand(text: string | undefined): ParsedCommand {
  const normalised = (text ?? '')
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/[\u200b\u00a0]/g, ' ')
    .trim()
    .replace(/^\/+/, '')
    .replace(/\s+/g, ' ');
  const lower = normalised.toLowerCase();
  for (const [pattern, kind] of PATTERNS) {
    const m = pattern.exec(lower);
    if (m)
      return {
        kind,
        arg: normalised
          .slice(m[0].length)
          .replace(/^[\s:,.!?-]+/, '')
          .trim(),
      };
  }
  return { kind: 'unknown', arg: '' };
}
