/**
 * The ten Cs of the PCFSW / Social Work England 10 Cs Risk and Resilience Mapping Tool (2020),
 * rephrased in our own words. Each C can be a source of resilience as well as of harm.
 */

export const C_IDS = [
  'confidentiality',
  'connection',
  'context',
  'content',
  'contact',
  'conduct',
  'compatibility',
  'consumption',
  'commercial',
  'composite',
] as const;

export type CId = (typeof C_IDS)[number];

export const TRIANGLE_DOMAINS = ['developmental-needs', 'parenting-capacity', 'family-environment'] as const;
export type TriangleDomain = (typeof TRIANGLE_DOMAINS)[number];

export const TRIANGLE_DOMAIN_LABELS: Readonly<Record<TriangleDomain, string>> = {
  'developmental-needs': "Child's developmental needs",
  'parenting-capacity': 'Parenting capacity',
  'family-environment': 'Family and environmental factors',
};

export interface TenC {
  readonly id: CId;
  readonly number: number;
  readonly title: string;
  readonly shortTitle: string;
  /** Other names a practitioner might type for this C, lower case. */
  readonly aliases: readonly string[];
  readonly meaning: string;
  readonly questions: readonly string[];
  readonly strengthExamples: readonly string[];
  readonly vulnerabilityExamples: readonly string[];
  readonly explore: string;
  readonly triangle: readonly TriangleDomain[];
  /** The guide's caution that matters most while recording this C, shown next to its inputs; absent where none applies. */
  readonly caution?: string;
}

/** The guide's caution on indecent images, for the Cs where images are most likely to come up. */
export const IMAGES_CAUTION =
  'Describe any images in words only. Viewing, sharing or keeping an indecent image of a child is a criminal offence: never ask for one, save it, forward it or put it in notes, even as evidence.';

/** The guide's caution on authorised means, for the Cs about platforms, networks and contacts. */
export const AUTHORISED_CAUTION =
  "Learn about the young person's platforms and contacts from them and their family, or by other authorised means. Do not search for or look at their social media, or their contacts', in a way that has not been authorised.";

/** The guide's caution on taking devices or access away, for the C about digital routine. */
export const ACCESS_CAUTION =
  'If you are thinking of restricting devices or internet access, the guide asks for care: it can cut a young person off from friends and school and lead to peer-on-peer abuse. Use it only as a last resort, for as short a time as necessary.';

const TEN_CS_DATA: readonly TenC[] = [
  {
    id: 'confidentiality',
    number: 1,
    title: 'Confidentiality and self-disclosure',
    shortTitle: 'Confidentiality',
    aliases: ['confidentiality', 'self-disclosure', 'self disclosure', 'disclosure', 'privacy'],
    meaning:
      'Sharing things about ourselves helps build relationships and express who we are. The same personal information can be misused or manipulated, so it can also make a young person vulnerable. The aim is a shared, age-appropriate understanding with the young person and family of how much to share, and with whom.',
    questions: [
      'What personal information does the young person share online, where, and with whom?',
      'What does the young person, and what do the parents or carers, think is a healthy and age-appropriate amount to share?',
      'Is any personal information, or any post about the young person, online that is inappropriate or harmful?',
      'If so, has the young person (and family) agreed to work on having it removed, and how will that be done?',
    ],
    strengthExamples: [
      'Understands privacy settings and uses them',
      'Shares in ways that support friendships and a positive identity',
      'Knows how to ask for a post to be taken down',
    ],
    vulnerabilityExamples: [
      'Shares location, school or contact details openly',
      'Personal images or messages shared beyond the intended person',
      'Harmful posts about the young person remain online',
    ],
    explore:
      'Talk with the young person and family about where the line between healthy sharing and over-sharing lies for them, and agree together on any removal of inappropriate information.',
    triangle: ['developmental-needs', 'parenting-capacity'],
    caution: IMAGES_CAUTION,
  },
  {
    id: 'connection',
    number: 2,
    title: 'Connection and social capital',
    shortTitle: 'Connection',
    aliases: ['connection', 'connections', 'social capital', 'social', 'network'],
    meaning:
      'Social capital is the network of relationships a young person and family can draw on, online and offline. It shapes identity and wellbeing and is an important protective factor. Understanding how the young person chooses who to connect with, and who to refuse, shows how they build and protect that network.',
    questions: [
      'What connections and social network resources can the young person and family draw on?',
      'Does the young person get validation from what they do online? How?',
      'How popular or influential is the young person within their online and offline networks?',
      'Which networks or platforms give the young person the most social capital?',
      'How does the young person understand their online relationships and friendships?',
      'How does the young person decide who to connect with and who to refuse, and why?',
    ],
    strengthExamples: [
      'Supportive friendships that continue online and offline',
      'Belongs to positive online communities or interest groups',
      'Thinks about who to accept as a contact',
    ],
    vulnerabilityExamples: [
      'Self-worth tied to follower or like counts',
      'Accepts requests from people they do not know',
      'Isolated offline, with online contacts as the only support',
    ],
    explore:
      "Map the young person's networks together, asking which ones feel supportive and which feel pressured, and how follower numbers affect how they and others see them.",
    triangle: ['developmental-needs', 'family-environment'],
    caution: AUTHORISED_CAUTION,
  },
  {
    id: 'context',
    number: 3,
    title: 'Context',
    shortTitle: 'Context',
    aliases: ['context', 'platforms', 'devices', 'apps'],
    meaning:
      "Safeguarding depends on understanding the online and offline context of the young person's life. That includes the platforms and devices they use, how much each matters to them, and how risky they themselves think each one is.",
    questions: [
      'Which social media platforms, apps, games and devices does the young person use?',
      'How important is each of them to the young person?',
      'How risky does the young person think each platform is, compared with the others?',
      'What do the parents or carers know about the platforms and devices used?',
      'What is the offline context (home, school, community) in which this online life takes place?',
    ],
    strengthExamples: [
      'Can explain the risks of the platforms they use',
      'Uses platforms suited to their age',
      'Parents or carers are curious and informed about the platforms',
    ],
    vulnerabilityExamples: [
      'Uses platforms with open or anonymous contact',
      'Devices used unsupervised late at night',
      'Significant change in offline circumstances (placement, school, family)',
    ],
    explore:
      'Ask the young person to show or describe their platforms and rank them by importance and by risk, and compare this with what parents or carers believe.',
    triangle: ['developmental-needs', 'family-environment'],
    caution: AUTHORISED_CAUTION,
  },
  {
    id: 'content',
    number: 4,
    title: 'Content',
    shortTitle: 'Content',
    aliases: ['content', 'material', 'posts'],
    meaning:
      'What the young person looks at, engages with and creates online. Positive content can support learning and development; harmful, extremist or developmentally inappropriate content can damage and traumatise.',
    questions: [
      'What kind of content does the young person engage with?',
      'What content does the young person produce or share?',
      'Is the content they produce developmentally appropriate for them?',
      'Does any content expose the young person to unnecessary risk or harm?',
      'Is the young person exposed to harmful, extremist or age-inappropriate material?',
    ],
    strengthExamples: [
      'Creates or follows content linked to learning, hobbies or creativity',
      'Recognises and avoids harmful content',
      'Talks to a trusted adult about upsetting content',
    ],
    vulnerabilityExamples: [
      'Exposure to violent, sexual, extremist or self-harm content',
      'Produces content that puts them at risk',
      'Content used to bully or shame them',
    ],
    explore:
      'Explore with the young person and family what the young person makes and consumes, checking it is right for their stage of development and does not expose them to unnecessary risk or harm.',
    triangle: ['developmental-needs', 'parenting-capacity'],
    caution: IMAGES_CAUTION,
  },
  {
    id: 'contact',
    number: 5,
    title: 'Contact (online and offline)',
    shortTitle: 'Contact',
    aliases: ['contact', 'contacts', 'online contact', 'offline contact'],
    meaning:
      "The people the young person is in touch with, whether online, offline or both. Any contact can be a source of support or of harm. Understanding contacts from the young person's own point of view is essential, especially as many young people know about the danger from strangers but fewer recognise grooming and exploitation by peers.",
    questions: [
      'Are there contacts who are particularly helpful for the young person?',
      'Are there contacts who are particularly harmful or risky for the young person?',
      'Are these contacts online, offline or both?',
      'How does the young person think and feel about each of these contacts?',
      'Is there any sign of grooming or exploitation, including by other young people?',
    ],
    strengthExamples: [
      'Trusted adults and friends they can turn to',
      'Recognises and blocks unwanted contact',
      'Tells someone when contact makes them uncomfortable',
    ],
    vulnerabilityExamples: [
      'Contact with unknown adults or much older peers',
      'Online contact moving to offline meetings',
      'Peer pressure, grooming or exploitation',
    ],
    explore: 'Ask the young person who they talk to and how each contact makes them feel, listening for contacts they see as friends that may pose a risk.',
    triangle: ['developmental-needs', 'family-environment'],
    caution: AUTHORISED_CAUTION,
  },
  {
    id: 'conduct',
    number: 6,
    title: 'Conduct',
    shortTitle: 'Conduct',
    aliases: ['conduct', 'behaviour', 'behavior'],
    meaning:
      'How the young person behaves online and offline, and whether that behaviour is a strength, a risk, a cause of harm or a concern. Their motivation and their own understanding and explanation of their behaviour matter as much as the behaviour itself.',
    questions: [
      "What is the young person's behaviour online and offline?",
      'Is that behaviour a source of strength, risk, harm or concern?',
      "What motivates the young person's behaviour?",
      'How does the young person understand and explain their own behaviour?',
      'Is there any inappropriate or abusive behaviour, by or towards the young person, such as cyberbullying or sextortion?',
    ],
    strengthExamples: ['Kind and respectful online', 'Stands up for others or reports abuse', 'Can reflect on and explain their choices'],
    vulnerabilityExamples: [
      'Involved in cyberbullying, as target or as perpetrator',
      'Sharing images of others without consent',
      'Risk-taking behaviour to gain approval',
    ],
    explore: 'Ask the young person what they do, why they do it and how they make sense of it, rather than starting from the adult view of the behaviour.',
    triangle: ['developmental-needs', 'parenting-capacity'],
    caution: IMAGES_CAUTION,
  },
  {
    id: 'compatibility',
    number: 7,
    title: 'Compatibility and self-presentation / identity',
    shortTitle: 'Compatibility',
    aliases: ['compatibility', 'self-presentation', 'self presentation', 'identity', 'self-identity'],
    meaning:
      'People present themselves differently in different places and with different people: at school and at home, online and offline. How compatible these presentations are, and how the young person presents themselves online, can tell us about their self-narrative, identity and wellbeing, read alongside their development and mental health.',
    questions: [
      'How does the young person present and behave in different settings (school, home, online, offline) and with different people?',
      'Are these presentations compatible with each other, or very different?',
      'Does the young person present an exaggerated or idealised self online? What might it say about their hopes and priorities?',
      "What is the young person's current self-narrative, and what would they prefer it to be?",
      'How do these differences relate to their development and mental health?',
      'How can the young person be supported to re-author a more positive, validating self-narrative?',
    ],
    strengthExamples: [
      'Consistent and authentic self-presentation',
      'Online identity expresses genuine interests and aspirations',
      'A positive self-narrative',
    ],
    vulnerabilityExamples: [
      'Sharp differences between online and offline selves',
      'Distress when the online image cannot be sustained',
      'A negative or shamed self-narrative',
    ],
    explore:
      'Compare how the young person presents in different places and with different people, and work with them towards a self-narrative that is positive and their own.',
    triangle: ['developmental-needs'],
  },
  {
    id: 'consumption',
    number: 8,
    title: 'Consumption / use of digital',
    shortTitle: 'Consumption',
    aliases: ['consumption', 'use', 'use of digital', 'screen time', 'digital use', 'routine'],
    meaning:
      "Just as practitioners ask about daily routines, they should ask about the young person's digital routine: which apps they use, why, how often and for how long. What this use means to the young person shows their preferences and mindset and helps channel their curiosity and energy in positive ways.",
    questions: [
      'Which apps does the young person use, and why?',
      'How often, and for how long, do they use each one?',
      'What is their daily digital routine, including at night?',
      'What does this use mean to the young person, and what motivates it?',
      'Is their use affecting sleep, mood, school or relationships?',
      'How could their digital routine change to better protect their wellbeing?',
    ],
    strengthExamples: ['Balanced routine with time offline', 'Uses digital tools for learning, creativity or connection', 'Can switch off when they need to'],
    vulnerabilityExamples: ['Repeatedly checking profiles and messages when anxious', 'Use late at night affecting sleep', 'Use as the only way of coping'],
    explore:
      'Go through a typical day with the young person, including online time, and think together about what they get from each use and what they might change.',
    triangle: ['developmental-needs', 'parenting-capacity'],
    caution: ACCESS_CAUTION,
  },
  {
    id: 'commercial',
    number: 9,
    title: 'Commercial, personal and/or professional value',
    shortTitle: 'Commercial',
    aliases: ['commercial', 'commercial value', 'professional value', 'personal value', 'value', 'money', 'exploitation'],
    meaning:
      'Online accounts and posts can have commercial, personal or professional value, used well or badly. They can earn money or promote causes, skills and values; they can also be used to exploit others, including the sexual or criminal exploitation of children and the exploitation of indecent images.',
    questions: [
      "Do the young person's online accounts or posts (blogs, videos, channels) have commercial, personal or professional value?",
      'Is that value used positively, for example to earn, promote skills or support a cause?',
      'Is anyone using the young person, or their accounts or images, for commercial gain or exploitation?',
      'Is there any sign of sexual or criminal exploitation linked to online activity?',
      'How can the young person and family be supported to develop the positive potential safely?',
    ],
    strengthExamples: [
      'Builds skills or a portfolio through online work',
      'Uses their platform for a positive cause',
      'Understands how their data and content are used',
    ],
    vulnerabilityExamples: [
      'Offered money, gifts or game credit for images or favours',
      'Accounts used by others for gain',
      'Signs of sexual or criminal exploitation',
    ],
    explore:
      'Ask what the young person gains from their online presence, and whether anyone else is gaining from it, supporting the positive side while protecting against exploitation.',
    triangle: ['developmental-needs', 'family-environment'],
    caution: IMAGES_CAUTION,
  },
  {
    id: 'composite',
    number: 10,
    title: 'Composite and complex',
    shortTitle: 'Composite',
    aliases: ['composite', 'complex', 'composite and complex', 'cumulative', 'overall'],
    meaning:
      'Risks combine. The cumulative effect of several risks, online and offline, creates further risks that are different from, and more than, each one alone: for example domestic abuse, mental health difficulties and alcohol misuse together. This C brings the other nine and the offline picture together.',
    questions: [
      'Which of the other Cs carry significant risk, and where is resilience low?',
      'How do these risks interact with each other?',
      'Which offline factors are present (for example domestic abuse, mental health difficulties, alcohol or substance misuse)?',
      "How do the online and offline risks combine to affect the young person's identity, relationships, development and wellbeing?",
      'Which strengths could offset the combined risks?',
    ],
    strengthExamples: ['Strong protective factors in several Cs', 'A trusted adult who knows about the online risks', 'Family engaged in the plan'],
    vulnerabilityExamples: [
      'Several Cs with high risk at the same time',
      'Online risks on top of offline adversity',
      'A breach of confidentiality combined with harmful contact and conduct',
    ],
    explore:
      'Look across all ten Cs and the offline picture together, asking how the risks compound and which strengths could hold the young person through them.',
    triangle: ['developmental-needs', 'parenting-capacity', 'family-environment'],
  },
];

/** The ten Cs in the guide's order, frozen. */
export const TEN_CS: readonly TenC[] = Object.freeze(TEN_CS_DATA.map((c) => Object.freeze(c)));

const BY_ID = new Map<CId, TenC>(TEN_CS.map((c) => [c.id, c]));

/** Returns the C with this id. */
export function getC(id: CId): TenC {
  const c = BY_ID.get(id);
  if (!c) throw new Error(`Unknown C id: ${id}`);
  return c;
}

/** The index (0-based) of a C in the guide's order. */
export function indexOfC(id: CId): number {
  return getC(id).number - 1;
}

/**
 * Stable ids for the guide questions of each C, in the same order as `questions`, so wording written
 * for young people and parents can say which guide question it rephrases. Never reuse an id.
 */
export const GUIDE_QUESTION_IDS = {
  confidentiality: ['conf-what-shared', 'conf-how-much', 'conf-harmful-online', 'conf-removal'],
  connection: ['conn-draw-on', 'conn-validation', 'conn-popularity', 'conn-best-networks', 'conn-understand-friendships', 'conn-choose-who'],
  context: ['ctx-what-used', 'ctx-importance', 'ctx-how-risky', 'ctx-parents-know', 'ctx-offline'],
  content: ['cont-engage', 'cont-produce', 'cont-appropriate', 'cont-risk', 'cont-exposed'],
  contact: ['ctc-helpful', 'ctc-harmful', 'ctc-where', 'ctc-feel', 'ctc-grooming'],
  conduct: ['cond-behaviour', 'cond-strength-or-concern', 'cond-motivation', 'cond-explain', 'cond-abusive'],
  compatibility: ['comp-settings', 'comp-compatible', 'comp-idealised', 'comp-narrative', 'comp-wellbeing', 'comp-reauthor'],
  consumption: ['cons-apps-why', 'cons-how-long', 'cons-routine', 'cons-meaning', 'cons-affecting', 'cons-change'],
  commercial: ['comm-value', 'comm-positive', 'comm-used-by-others', 'comm-exploitation', 'comm-develop'],
  composite: ['compo-which-cs', 'compo-interact', 'compo-offline', 'compo-combine', 'compo-strengths'],
} as const satisfies Readonly<Record<CId, readonly string[]>>;

/** The id of one guide question. */
export type GuideQuestionId = (typeof GUIDE_QUESTION_IDS)[CId][number];
