/**
 * Quick consultation: the guide at hand without starting an assessment. Everything here is fixed
 * reference text in our own words, faithful to the PCFSW / Social Work England guide (2020);
 * nothing a practitioner types is kept.
 */
import type { AgeBand } from './assessment.js';
import { TEN_CS, getC, type CId, type TenC } from './ten-cs.js';

/** The outcome of looking a C up from what a practitioner typed. */
export type CLookup = { readonly kind: 'found'; readonly c: TenC } | { readonly kind: 'unknown'; readonly suggestions: readonly TenC[] };

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
};

// Words people wrap around a C's name ("the contact C", "contact risks") that never identify one.
const FILLER = new Set(['the', 'a', 'c', 'cs', 'on', 'about', 'for', 'risk', 'risks', 'resilience', 'area', 'please', 'show', 'me']);

/** Lower case, accents and apostrophes dropped, every other run of non-alphanumerics one space. */
export function normaliseName(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['\u2019`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function namesOf(c: TenC): string[] {
  return [...new Set([c.id, c.shortTitle, c.title, ...c.aliases].map(normaliseName))];
}

const NAMES: readonly { readonly c: TenC; readonly name: string }[] = TEN_CS.flatMap((c) => namesOf(c).map((name) => ({ c, name })));

/** Optimal string alignment distance: Levenshtein plus adjacent swaps, so "contcat" is one edit from "contact". */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

// Short words tolerate fewer slips, otherwise "use" would match half the dictionary.
function tolerance(length: number): number {
  if (length <= 3) return 0;
  if (length <= 5) return 1;
  if (length <= 8) return 2;
  return 3;
}

function byNumber(text: string): TenC | undefined {
  const m = /^(?:c|no|number)?\s?(\d{1,2})(?:st|nd|rd|th)?$/.exec(text);
  const n = m ? Number(m[1]) : NUMBER_WORDS[text];
  return n !== undefined && n >= 1 && n <= TEN_CS.length ? TEN_CS[n - 1] : undefined;
}

/** Each C once, keeping the first (best-ranked) position. */
function distinct(cs: readonly TenC[]): TenC[] {
  return [...new Set(cs)];
}

/**
 * Finds a C from a name, alias, number ("5", "C5", "five") or a near miss ("Contcat"). When the
 * text could mean more than one C, or none, the answer is unknown with the closest Cs as suggestions.
 */
export function findC(query: string): CLookup {
  const full = normaliseName(query);
  if (!full) return { kind: 'unknown', suggestions: [] };
  const words = full.split(' ');
  const stripped = words.filter((w) => !FILLER.has(w)).join(' ');

  for (const text of [full, stripped, full.replace(/ /g, '')]) {
    if (!text) continue;
    const exact = NAMES.find((n) => n.name === text || n.name.replace(/ /g, '') === text);
    if (exact) return { kind: 'found', c: exact.c };
    const numbered = byNumber(text);
    if (numbered) return { kind: 'found', c: numbered };
  }

  const key = stripped || full;
  const prefixed = distinct(key.length >= 3 ? NAMES.filter((n) => n.name.startsWith(key)).map((n) => n.c) : []);
  if (prefixed.length === 1) return { kind: 'found', c: prefixed[0]! };

  const closest = new Map<TenC, number>();
  for (const { c, name } of NAMES) {
    const distance = editDistance(key, name);
    if (distance < (closest.get(c) ?? Infinity)) closest.set(c, distance);
  }
  const ranked = [...closest.entries()].sort((a, b) => a[1] - b[1] || a[0].number - b[0].number);
  const [best, runnerUp] = ranked;
  if (best && best[1] <= tolerance(key.length) && (!runnerUp || runnerUp[1] > best[1])) return { kind: 'found', c: best[0] };

  // One C's name as a whole word in a longer phrase ("contact with strangers") is a clear enough signal.
  const named = distinct(words.flatMap((w) => NAMES.filter((n) => w.length >= 4 && n.name === w).map((n) => n.c)));
  if (named.length === 1) return { kind: 'found', c: named[0]! };

  const near = ranked.filter(([, d]) => d <= tolerance(key.length) + 2).map(([c]) => c);
  const suggestions = distinct([...prefixed, ...named, ...near]).slice(0, 3);
  return { kind: 'unknown', suggestions };
}

/** One of the guide's cautions for online practice. */
export interface Caution {
  readonly id: string;
  readonly title: string;
  readonly points: readonly string[];
}

/** The guide's practice cautions, reworded; the order puts the legal and ethical limits first. */
export const CAUTIONS: readonly Caution[] = [
  {
    id: 'authorised-means',
    title: 'Only authorised and ethical means',
    points: [
      "Do not search, open, view or use a family's social media posts in any way that is unauthorised or unethical.",
      'Gather what you need for the assessment only through appropriate, authorised and ethical routes, following current guidance and the law.',
      "Avoid any action or decision that could infringe people's human rights or breach the professional standards.",
    ],
  },
  {
    id: 'indecent-images',
    title: 'Indecent images of children',
    points: [
      'Viewing, sharing or possessing an indecent image of a child is a criminal offence. Never keep, forward or ask to be sent such an image, even as evidence.',
      'Never put such images in referrals, emails or case notes.',
      'Recording online abuse is different and can matter, for example by screenshots of cyberbullying messages. Even so, sharing and viewing abuse can continue it and re-victimise the people involved, so keep it to what is necessary.',
      'Never send images or files to this bot.',
    ],
  },
  {
    id: 'relationship-first',
    title: 'Build a relationship first',
    points: [
      'Children and families may find it easier to share their experiences over video than face to face, because online conversation makes self-disclosure easier.',
      'Before talking online, get to know the child through a phone call or a doorstep visit, or meet them in person when you can, so that you are a known person and not a stranger.',
      'Without that introduction, an online conversation with a practitioner could make talking to strangers seem normal, and lead the young person to share personal information with strangers online.',
    ],
  },
  {
    id: 'new-harms',
    title: 'New kinds of harm',
    points: [
      'What happens online can have physical and personal consequences.',
      'Digital assault is one example: flashing images (animated GIFs) sent on purpose to trigger a seizure in someone with epilepsy. A case in Dallas County, Texas, was the first to recognise this as digital assault, with charges of assault and battery, and in November 2019 followers of a US epilepsy foundation on Twitter were targeted in a mass attack of the same kind.',
      'Keep watching for new forms of digital risk as platforms change.',
    ],
  },
  {
    id: 'digital-access',
    title: "Removing a young person's digital access",
    points: [
      'For many young people, being online is an extension of themselves: study and school work, friendships and identity all run through it.',
      'Be cautious about restricting access: it can lead to exclusion and to peer-on-peer abuse.',
      'Remove digital access only as a last resort, and for as short a time as necessary.',
    ],
  },
  {
    id: 'digital-inequality',
    title: 'Digital inequality',
    points: [
      'Young people do not have equal access to devices and the internet, and going without can leave them disempowered.',
      'Digital inequality is a new and important form of inequality: challenge it and help address it.',
    ],
  },
  {
    id: 'child-centred',
    title: 'Child-centred, not adult-centric',
    points: [
      "Many young people find adults' approach too focused on risk and feel that adults do not understand how much being online matters to them.",
      'Most young people know strangers can pose a threat; fewer know about grooming and exploitation by other young people.',
      "Work in a way that is child-centred and suited to the young person's development, and look for strengths and resilience as well as risk.",
    ],
  },
];

/** One step of the guide's practice example. */
export interface PracticeStep {
  readonly c: CId;
  readonly prompts: readonly string[];
}

/** The guide's worked example, reworded: Sally, 13, whose messages and images were shared without consent. */
export const PRACTICE_EXAMPLE = {
  scenario: 'Sally is 13. She has found that her sexting messages and nude images have been shared without her consent.',
  purpose: 'A learning aid: how the framework can be applied C by C, in the order the guide takes them. The guide leaves out Commercial value in this example.',
  imageCaution:
    'Do not ask to see, save or forward the images. An indecent image of a child must never be kept or shared, even as evidence, and never goes into referrals, emails or case notes.',
  steps: [
    {
      c: 'content',
      prompts: [
        'Find out, through appropriate means, what the messages contain so you can assess their impact and reduce it, without viewing or keeping the images yourself.',
      ],
    },
    {
      c: 'context',
      prompts: [
        'Which websites, apps or media were used, or are still being used, to share the messages and images?',
        'Can anyone open them?',
        'What can you do to get them taken down?',
      ],
    },
    {
      c: 'confidentiality',
      prompts: [
        "How far has Sally's confidentiality been breached? Who can see the images, or has access to them, now?",
        'Sharing among her classmates is different from open sharing on the web.',
        'What other information about Sally is online? If it is also inappropriate, can it be removed, and how?',
      ],
    },
    {
      c: 'contact',
      prompts: ['Who were the messages and images first sent to?', 'Who can help Sally now, and who poses a risk to her?'],
    },
    {
      c: 'connection',
      prompts: [
        "What is Sally's social network and social capital, and how have the images affected them?",
        'Her classmates can be a source of support and resilience, or of vulnerability and abuse.',
        "Work together with the school, and involve Sally's classmates, to raise their awareness and reduce the risk of peer-on-peer abuse.",
      ],
    },
    {
      c: 'conduct',
      prompts: ['Is anyone behaving inappropriately or abusively, for example cyberbullying or sextortion?'],
    },
    {
      c: 'compatibility',
      prompts: [
        "How has this affected Sally's behaviour and the story she tells about herself?",
        'How can you support Sally to re-author that story in ways that validate and empower her?',
      ],
    },
    {
      c: 'consumption',
      prompts: [
        'Young people harmed online are often anxious and check their profiles and messages again and again.',
        'That can make Sally more anxious, cost her sleep, and affect her mental and emotional wellbeing.',
        'How could Sally change her digital routine to protect her mental health and wellbeing?',
      ],
    },
    {
      c: 'composite',
      prompts: [
        'What are the complex and composite risks?',
        'The guide leaves this question for you. Think about how the risks above add up, so that together they create risks that are more than, and different from, each one alone.',
      ],
    },
  ] satisfies readonly PracticeStep[] as readonly PracticeStep[],
} as const;

/** The guide's transition questions, reworded so they serve any major change in a young person's life. */
export const CHANGES = {
  intro: "The guide asked these questions about Covid-19 and coming out of lockdown. They work for any major change in a young person's life.",
  examples: 'For example a new placement or school, a family separation or reunion, a move of area, a new device, or the end of a restriction.',
  questions: [
    'How has the young person been affected in each of the ten Cs by this change, and how will they be affected as circumstances change again?',
    'What risks, challenges and opportunities come with each of them?',
    "How has the context of the young person's life and experience changed, and how will it change next?",
    'What are the contact risks, conduct risks, connection and social capital risks, and so on, for the young person now?',
    'For example, a change may have cut contact with someone who was a source of harm or abuse. How will that change as circumstances change again?',
    'What can you do to reduce these risks and their impact on the young person?',
  ],
} as const;

/** One professional standard the guide ties to online practice. */
export interface Standard {
  readonly number: string;
  readonly summary: string;
}

/** Social Work England professional standards the guide singles out for online practice, in our own words. */
export const STANDARDS = {
  intro:
    'When using social media and digital technology, apply the Social Work England professional standards. The guide picks out three that bear most on online conduct.',
  standards: [
    { number: '2.5', summary: 'Listen actively to understand people, and build relationships using a range of suitable ways to communicate.' },
    {
      number: '3.10',
      summary: 'Build and keep up your skills in information and communication technology, and adapt your practice to new ways of working where appropriate.',
    },
    {
      number: '5.6',
      summary:
        'Never use technology, social media or other electronic communication unlawfully or unethically, or in a way that brings the profession into disrepute.',
    },
  ] satisfies readonly Standard[] as readonly Standard[],
  reflection:
    'Reflect on changes to your practice and talk through professional and ethical dilemmas with peers or your manager. That learning can be recorded as continuing professional development.',
  furtherReading:
    'For the ethical use of social media and digital technology, see the PCFSW and Social Work England Best Practice Guide for Digital Professionalism.',
} as const;

/** The practice example's steps with their Cs resolved. */
export function practiceSteps(): readonly (PracticeStep & { readonly detail: TenC })[] {
  return PRACTICE_EXAMPLE.steps.map((s) => ({ ...s, detail: getC(s.c) }));
}

/** The practice example's step (1-based) that covers this C, if the guide's example covers it. */
export function practiceStepOf(id: CId): number | undefined {
  const index = PRACTICE_EXAMPLE.steps.findIndex((s) => s.c === id);
  return index >= 0 ? index + 1 : undefined;
}

/** The age band for an age in years, or undefined outside the ages tencs records (0 to 25). */
export function ageBandFor(age: number): AgeBand | undefined {
  if (!Number.isInteger(age) || age < 0 || age > 25) return undefined;
  if (age < 8) return 'under-8';
  if (age <= 10) return '8-10';
  if (age <= 13) return '11-13';
  if (age <= 15) return '14-15';
  if (age <= 17) return '16-17';
  return '18-25';
}

/** What "consult <C> for a 12-year-old" asks for: a C's name and an age, or no age at all. */
export type AgeRequest = { readonly kind: 'none' } | { readonly kind: 'age'; readonly name: string; readonly age: number; readonly band: AgeBand | undefined };

// "for a 12-year-old", "for a 12 year old", "for 12 year olds", "for age 12", "aged 12", "for a young person aged 9", "for 9s".
const FOR_AGE =
  /^(.*?)\s+(?:(?:for|with)\s+(?:an?\s+)?(?:(?:young person|child|kid|teenager|teen)\s+)?(?:(?:aged?|age)\s+)?(\d{1,3})(?:\s*[-\s]?\s*(?:years?|yrs?|yo)(?:[-\s]*olds?)?|s)?|aged?\s+(\d{1,3}))\s*[.!?]?$/i;

/** Splits "contact for a 12-year-old" into the C's name and the age, when an age is given. */
export function parseAgeRequest(arg: string): AgeRequest {
  const m = FOR_AGE.exec(arg.trim());
  if (!m?.[1]?.trim()) return { kind: 'none' };
  const age = Number(m[2] ?? m[3]);
  return { kind: 'age', name: m[1].trim(), age, band: ageBandFor(age) };
}
