import type { AgeBand } from './assessment.js';
import { GUIDE_QUESTION_IDS, type CId } from './ten-cs.js';

/**
 * The ten Cs in words a young person, and their parents or carers, can use with the practitioner:
 * the "together" wording. Written by us, faithful to the guide's questions, strengths first, no jargon,
 * no judgement, short sentences. Every question says which guide question it rephrases (`asks`).
 *
 * Two reading levels for young people: one for under-11s (reading age about 8 to 9; under-8s have it
 * read aloud), one for 11 and over (plain English). Each band starts from its level's wording; under-8s
 * get simpler words of their own and 16 to 17 year olds their own words on relationships, saying no,
 * money, work and college (see `byLevel`). The types make every C and every band present.
 */

/** The id of one of this C's guide questions. */
export type QuestionIdOf<C extends CId> = (typeof GUIDE_QUESTION_IDS)[C][number];

/** One question as the young person (or parent) hears it, and the guide question it rephrases. */
export interface TogetherQuestion<C extends CId = CId> {
  readonly asks: QuestionIdOf<C>;
  readonly text: string;
}

/** A guide question deliberately not asked of this band, and why. */
export interface LeftOut<C extends CId = CId> {
  readonly asks: QuestionIdOf<C>;
  readonly why: string;
}

export interface YoungWords<C extends CId = CId> {
  /** The C's name in the young person's words. */
  readonly title: string;
  /** One or two short sentences that open the C, strengths first. */
  readonly intro: string;
  readonly questions: readonly TogetherQuestion<C>[];
  /** Only for under-11s: guide questions left to the practitioner, with the reason. */
  readonly leftOut: readonly LeftOut<C>[];
}

export interface ParentWords<C extends CId = CId> {
  readonly title: string;
  readonly intro: string;
  readonly questions: readonly TogetherQuestion<C>[];
}

export interface CTogether<C extends CId> {
  readonly young: Readonly<Record<AgeBand, YoungWords<C>>>;
  readonly parent: ParentWords<C>;
}

/** Every C, every band: a missing C or band is a type error. */
export type TogetherTable = { readonly [C in CId]: CTogether<C> };

/** The two reading levels. */
export type ReadingLevel = 'under-11' | '11-plus';
export const READING_LEVEL: Readonly<Record<AgeBand, ReadingLevel>> = {
  'under-8': 'under-11',
  '8-10': 'under-11',
  '11-13': '11-plus',
  '14-15': '11-plus',
  '16-17': '11-plus',
  '18-25': '11-plus',
};

const q = <C extends CId>(asks: QuestionIdOf<C>, text: string): TogetherQuestion<C> => ({ asks, text });

/** One band's own words where they differ from its level's: a title, an intro, or some questions. */
export interface BandWords<C extends CId> {
  readonly title?: string;
  readonly intro?: string;
  readonly questions?: Partial<Record<QuestionIdOf<C>, string>>;
}

function withBand<C extends CId>(base: YoungWords<C>, own: BandWords<C> | undefined): YoungWords<C> {
  if (!own) return base;
  return {
    ...base,
    title: own.title ?? base.title,
    intro: own.intro ?? base.intro,
    questions: base.questions.map((x) => ({ asks: x.asks, text: own.questions?.[x.asks] ?? x.text })),
  };
}

/**
 * The bands' wording from the two levels, with a band's own words where it needs them:
 * - under 8: simpler still (one idea a sentence, things a young child knows), read aloud;
 * - 16 to 17: relationships, saying no, money, work and college, and doing things for themselves;
 * - 18 to 25 (care leavers, adults): the 16 to 17 words, and `adult` where those assume parents at home
 *   or "your age".
 */
function byLevel<C extends CId>(
  under11: YoungWords<C>,
  older: YoungWords<C>,
  adult: Partial<Record<QuestionIdOf<C>, string>> = {},
  bands: { readonly 'under-8'?: BandWords<C>; readonly '16-17'?: BandWords<C> } = {},
): Readonly<Record<AgeBand, YoungWords<C>>> {
  const sixteen = withBand(older, bands['16-17']);
  return {
    'under-8': withBand(under11, bands['under-8']),
    '8-10': under11,
    '11-13': older,
    '14-15': older,
    '16-17': sixteen,
    '18-25': withBand(sixteen, { questions: adult }),
  };
}

export const TOGETHER_WORDS: TogetherTable = {
  confidentiality: {
    young: byLevel<'confidentiality'>(
      {
        title: 'Sharing about me',
        intro: 'Sharing things about you can help you make friends. Some things are best kept just for you.',
        questions: [
          q('conf-what-shared', 'What do you like to share about yourself online? Who can see it?'),
          q('conf-how-much', 'What is fine to share? What should you keep to yourself?'),
          q('conf-harmful-online', 'Is there anything about you online that you do not like? Has someone put up something about you that made you sad?'),
          q('conf-removal', 'If there is, would you like help to get it taken down? Who could help?'),
        ],
        leftOut: [],
      },
      {
        title: 'Sharing and privacy',
        intro: 'Sharing things about yourself helps you make friends and be yourself. Some things are best kept private.',
        questions: [
          q('conf-what-shared', 'What do you share about yourself online? Where, and who can see it?'),
          q('conf-how-much', 'How much do you think is fine to share at your age? Where would you draw the line?'),
          q('conf-harmful-online', 'Is there anything about you online that you are not happy with? Has someone posted something about you that hurt?'),
          q('conf-removal', 'If so, would you like help to get it taken down? What would help, and who should be part of it?'),
        ],
        leftOut: [],
      },
      {
        'conf-how-much': 'How much do you think is fine to share? Where would you draw the line?',
      },
      {
        '16-17': {
          questions: {
            'conf-how-much': 'How much is fine to share, now and later on? Think of college, work or a partner. Where would you draw the line?',
          },
        },
      },
    ),
    parent: {
      title: 'Sharing and privacy',
      intro: 'Sharing helps children make friends and be themselves. Some things are best kept private.',
      questions: [
        q('conf-what-shared', 'What do you know about what your child shares about themselves online, and who sees it?'),
        q('conf-how-much', 'How much do you think is healthy for them to share at their age?'),
        q('conf-harmful-online', 'Do you know of anything posted about your child that worries you?'),
        q('conf-removal', 'If so, would you like help to get it taken down, together with your child?'),
      ],
    },
  },
  connection: {
    young: byLevel<'connection'>(
      {
        title: 'My people',
        intro: "Friends and family can help us feel good and safe. Let's talk about yours.",
        questions: [
          q('conn-draw-on', 'Who can you go to for help? At home, at school or online?'),
          q('conn-understand-friendships', 'Who are your friends online? Are they the same as your friends at school?'),
          q('conn-validation', 'Do people say nice things about what you do online? How does that feel?'),
          q('conn-best-networks', 'Which game or app makes you feel part of a group?'),
          q('conn-choose-who', 'How do you choose who to play or chat with online? When do you say no?'),
        ],
        leftOut: [
          {
            asks: 'conn-popularity',
            why: 'Asking a young child how popular they are can make likes and followers seem to matter more. Asking who their friends are, and who helps them, covers the same ground kindly.',
          },
        ],
      },
      {
        title: 'Friends and support',
        intro: "The people around you, online and offline, can help you a lot. Let's talk about them.",
        questions: [
          q('conn-draw-on', 'Who can you turn to when you need help, online or offline?'),
          q('conn-understand-friendships', 'What are your online friendships like? How are they different from friends you see in person?'),
          q('conn-validation', 'What do you get from posting or playing online? Do likes, comments or messages make you feel good?'),
          q('conn-popularity', 'How do you think people see you, online and at school? Does it matter to you?'),
          q('conn-best-networks', 'Which apps or groups make you feel most listened to, or part of something?'),
          q('conn-choose-who', 'How do you decide who to add or follow? When do you say no, and why?'),
        ],
        leftOut: [],
      },
      {},
      {
        'under-8': {
          questions: {
            'conn-understand-friendships': 'Who do you play with online? Do you know them from school?',
            'conn-choose-who': 'Who are you allowed to play or chat with online? Can you say no?',
          },
        },
        '16-17': {
          questions: {
            'conn-choose-who': 'How do you decide who to add, follow or get close to? When do you say no, and why?',
          },
        },
      },
    ),
    parent: {
      title: 'Friends and support',
      intro: 'Good friends and family help children feel safe and strong, online and offline.',
      questions: [
        q('conn-draw-on', 'Who can your child and your family turn to for support?'),
        q('conn-validation', 'What does your child seem to get from being online? What makes them feel good?'),
        q('conn-popularity', 'How do you think others see your child, online and offline?'),
        q('conn-best-networks', 'Which apps or groups seem to matter most to your child?'),
        q('conn-understand-friendships', "What do you know about your child's online friends?"),
        q('conn-choose-who', 'How do you think your child decides who to add or accept?'),
      ],
    },
  },
  context: {
    young: byLevel<'context'>(
      {
        title: 'Where I go online',
        intro: "Let's talk about the games, apps and gadgets you use.",
        questions: [
          q('ctx-what-used', 'Which games, apps and videos do you use? Do you use a phone, a tablet or a computer?'),
          q('ctx-importance', 'Which one do you like best? Which one would you miss most?'),
          q('ctx-how-risky', 'Do any of them feel less safe than the others? Why?'),
          q('ctx-parents-know', 'Do the grown-ups at home know the games and apps you use?'),
          q('ctx-offline', 'Where are you when you go online? At home, at school, or somewhere else?'),
        ],
        leftOut: [],
      },
      {
        title: 'Your apps and devices',
        intro: "Let's talk about the apps, games and devices you use. What do they mean to you?",
        questions: [
          q('ctx-what-used', 'Which apps, games, sites and devices do you use?'),
          q('ctx-importance', 'Which matter most to you? Which could you easily do without?'),
          q('ctx-how-risky', 'Which ones feel safest to you, and which feel less safe? Why?'),
          q('ctx-parents-know', 'How much do your parents or carers know about the apps you use?'),
          q('ctx-offline', 'What is going on at home, at school and with friends right now?'),
        ],
        leftOut: [],
      },
      {
        'ctx-parents-know': 'Who in your life knows about the apps you use? Who could you ask for help with them?',
        'ctx-offline': 'What is going on with where you live, work or study, and with friends right now?',
      },
      {
        'under-8': {
          intro: "Let's talk about the games and apps you like.",
          questions: {
            'ctx-what-used': 'Which games or apps do you play? What do you play them on?',
            'ctx-how-risky': 'Does any game or app ever feel not nice? What happens?',
          },
        },
        '16-17': {
          questions: {
            'ctx-parents-know': 'Who in your life knows about the apps you use? Who could you ask for help with them?',
            'ctx-offline': 'What is going on at home, at college or work, and with friends right now?',
          },
        },
      },
    ),
    parent: {
      title: 'Apps and devices',
      intro: "Let's talk about the apps and devices your child uses, and life at home and school.",
      questions: [
        q('ctx-what-used', 'Which apps, games and devices does your child use?'),
        q('ctx-importance', 'Which ones seem to matter most to them?'),
        q('ctx-how-risky', 'Which do you feel are safer, and which worry you more?'),
        q('ctx-parents-know', 'How much do you feel you know about these apps? What would help you know more?'),
        q('ctx-offline', 'What is going on for your family, at school and where you live right now?'),
      ],
    },
  },
  content: {
    young: byLevel<'content'>(
      {
        title: 'What I watch and make',
        intro: 'There are lots of good things to watch, play and make online.',
        questions: [
          q('cont-engage', 'What do you like to watch, play or read online?'),
          q('cont-produce', 'Do you make or share things online, like pictures or videos?'),
          q('cont-appropriate', 'Is what you make OK for someone your age? How do you know?'),
          q('cont-risk', 'Has sharing something ever made you feel worried after?'),
          q('cont-exposed', 'Have you seen anything online that upset you or scared you? What did you do?'),
        ],
        leftOut: [],
      },
      {
        title: 'What you watch and make',
        intro: "Online you can learn, laugh and make things. Let's talk about what you watch and make.",
        questions: [
          q('cont-engage', 'What do you like to watch, read, play or follow online?'),
          q('cont-produce', 'What do you make or share? Videos, photos, posts, art, music?'),
          q('cont-appropriate', 'Do you think the things you make are right for your age? Why?'),
          q('cont-risk', 'Has anything you posted ever come back on you? Or been used in a way you did not want?'),
          q('cont-exposed', 'Have you seen things online that upset you, scared you or felt too old for you? What did you do?'),
        ],
        leftOut: [],
      },
      {
        'cont-appropriate': 'Are you happy with the things you make? Would you mind anyone seeing them, now or later?',
      },
      {
        'under-8': {
          questions: {
            'cont-produce': 'Do you make things online, like pictures or videos?',
            'cont-appropriate': 'Who can see what you make? Do the grown-ups at home see it too?',
            'cont-risk': 'Have you ever felt worried after you shared something?',
          },
        },
        '16-17': {
          questions: {
            'cont-appropriate': 'Are you happy with what you make? Would you mind a future boss or partner seeing it?',
          },
        },
      },
    ),
    parent: {
      title: 'What they watch and make',
      intro: 'Children can learn and create a lot online. Some things they see can upset them.',
      questions: [
        q('cont-engage', 'What does your child like to watch, play or follow?'),
        q('cont-produce', 'What does your child make or share online?'),
        q('cont-appropriate', 'Do you feel what they make is right for their age?'),
        q('cont-risk', 'Has anything they shared caused problems for them?'),
        q('cont-exposed', 'Has your child seen anything upsetting or too old for them? How did you find out?'),
      ],
    },
  },
  contact: {
    young: byLevel<'contact'>(
      {
        title: 'People I talk to',
        intro: 'We all talk to lots of people. Some help us a lot. Some might not.',
        questions: [
          q('ctc-helpful', 'Who do you like talking to? Who helps you?'),
          q('ctc-harmful', 'Is there anyone who makes you feel upset, scared or unsure?'),
          q('ctc-where', 'Do you talk to them online, face to face, or both?'),
          q('ctc-feel', 'How do you feel when you talk to each of them?'),
          q('ctc-grooming', 'Has anyone asked you to keep a secret, or to meet up? This could be a grown-up or someone your age.'),
        ],
        leftOut: [],
      },
      {
        title: 'The people you talk to',
        intro: "Most people you talk to are good for you. A few might not be. Let's talk about them.",
        questions: [
          q('ctc-helpful', 'Who do you like talking to most? Who helps you?'),
          q('ctc-harmful', 'Is there anyone who makes you feel uneasy, pushed or unsafe?'),
          q('ctc-where', 'Do you know them online, in person, or both?'),
          q('ctc-feel', 'How do you feel about each of them? How do they make you feel?'),
          q('ctc-grooming', 'Has anyone asked you to keep secrets, send pictures or meet up? Even someone your own age? Did it feel right?'),
        ],
        leftOut: [],
      },
      {},
      {
        'under-8': {
          intro: 'We all talk to lots of people. Most are kind. Some are not.',
          questions: {
            'ctc-harmful': 'Does anyone make you feel sad, scared or funny inside?',
            'ctc-grooming': 'Has anyone asked you to keep a secret from your grown-ups? Has anyone asked to meet you?',
          },
        },
        '16-17': {
          questions: {
            'ctc-harmful': 'Is there anyone, even someone you are seeing, who makes you feel uneasy, pushed or unsafe?',
            'ctc-grooming': 'Has anyone asked you to keep secrets, send nudes or meet up? Did you feel free to say no?',
          },
        },
      },
    ),
    parent: {
      title: 'People they talk to',
      intro: 'The people children talk to can be a great help. A few can cause harm.',
      questions: [
        q('ctc-helpful', 'Who does your child get on well with and rely on?'),
        q('ctc-harmful', "Is there anyone in your child's life, online or offline, who worries you?"),
        q('ctc-where', 'Do they know these people online, in person, or both?'),
        q('ctc-feel', 'How does your child seem to feel about these people?'),
        q('ctc-grooming', 'Has anyone asked your child to keep secrets, send pictures or meet up? This includes other young people.'),
      ],
    },
  },
  conduct: {
    young: byLevel<'conduct'>(
      {
        title: 'What I do online',
        intro: "Let's talk about the things you do online, and why you like them.",
        questions: [
          q('cond-behaviour', 'What are you good at online? What do you like doing?'),
          q('cond-strength-or-concern', 'What do you do online that you feel good about? Is there anything that worries you?'),
          q('cond-motivation', 'Why do you like doing those things?'),
          q('cond-explain', 'If something went wrong, what happened? How do you think about it now?'),
          q('cond-abusive', 'Has anyone been mean to you online? Have you ever been mean to someone?'),
        ],
        leftOut: [],
      },
      {
        title: 'What you do online',
        intro: "Let's talk about what you do online, and what it means to you.",
        questions: [
          q('cond-behaviour', 'What do you do online that you are proud of? What else do you get up to?'),
          q('cond-strength-or-concern', 'Is there anything you do online that worries you, or worries other people?'),
          q('cond-motivation', 'What makes you want to do those things?'),
          q('cond-explain', 'How would you explain what you do to someone who does not get it?'),
          q('cond-abusive', 'Has anyone been unkind to you, bullied you or threatened to share pictures of you? Have you been unkind to anyone?'),
        ],
        leftOut: [],
      },
      {},
      {
        'under-8': {
          questions: {
            'cond-motivation': 'What is fun about it?',
            'cond-explain': 'Has something online ever gone wrong? What happened?',
          },
        },
        '16-17': {
          questions: {
            'cond-abusive': 'Has anyone been unkind, tried to control you or shared pictures of you without your OK? Have you done that to anyone?',
          },
        },
      },
    ),
    parent: {
      title: 'What they do online',
      intro: "Let's talk about what your child does online, and what it means to them.",
      questions: [
        q('cond-behaviour', 'What does your child do well online? What else do they do?'),
        q('cond-strength-or-concern', 'Is anything they do online a worry for you?'),
        q('cond-motivation', 'What do you think draws them to it?'),
        q('cond-explain', 'How does your child explain what they do?'),
        q('cond-abusive', 'Has your child been bullied or threatened online, or been unkind to others?'),
      ],
    },
  },
  compatibility: {
    young: byLevel<'compatibility'>(
      {
        title: 'Being me',
        intro: 'People can act a bit different at home, at school and online. That is normal.',
        questions: [
          q('comp-settings', 'What are you like at home? At school? Online?'),
          q('comp-compatible', 'Are you the same you in all those places, or different?'),
          q('comp-idealised', 'Online, do you show a bit of you or all of you? Who would you like to be?'),
          q('comp-narrative', 'What would you say about yourself? What would you like people to say about you?'),
          q('comp-wellbeing', 'How does it feel inside to be different in different places?'),
          q('comp-reauthor', 'What is one good thing about you that you want more people to see?'),
        ],
        leftOut: [],
      },
      {
        title: 'Being yourself',
        intro: 'Most people act a bit differently at school, at home, with friends and online. That is normal.',
        questions: [
          q('comp-settings', 'What are you like at school, at home, with friends and online?'),
          q('comp-compatible', 'Do those sides of you fit together, or do they feel very different?'),
          q('comp-idealised', 'Do you show a certain side of yourself online? What does it say about what you hope for?'),
          q('comp-narrative', 'How would you describe yourself now? How would you like to be able to describe yourself?'),
          q('comp-wellbeing', 'How do you feel in yourself when you switch between these sides?'),
          q('comp-reauthor', 'What good things about you would you like more people to see? What could help?'),
        ],
        leftOut: [],
      },
      {},
      {
        'under-8': {
          intro: 'People can be a bit different at home, at school and online. That is fine.',
          questions: {
            'comp-compatible': 'Are you the same at home, at school and online?',
            'comp-idealised': 'In games or videos, do you like to be someone else? Who?',
            'comp-wellbeing': 'How do you feel inside when you are online?',
          },
        },
        '16-17': {
          questions: {
            'comp-narrative': 'How would you describe yourself now? Who would you like to be as you get older?',
          },
        },
      },
    ),
    parent: {
      title: 'Being themselves',
      intro: 'Most children act a bit differently at home, at school and online. That is normal.',
      questions: [
        q('comp-settings', 'How does your child come across at home, at school and online?'),
        q('comp-compatible', 'Do these seem to fit together, or are they very different?'),
        q('comp-idealised', 'Does your child show a certain image online? What might it say about their hopes?'),
        q('comp-narrative', 'How does your child talk about themselves? How would you like them to see themselves?'),
        q('comp-wellbeing', 'How does your child seem in themselves, in mood and confidence?'),
        q('comp-reauthor', 'What good things about your child could help them feel better about who they are?'),
      ],
    },
  },
  consumption: {
    young: byLevel<'consumption'>(
      {
        title: 'My time online',
        intro: "Let's look at a normal day for you, online and offline.",
        questions: [
          q('cons-apps-why', 'Which apps or games do you use most? Why do you like them?'),
          q('cons-how-long', 'How often do you go on them? For how long?'),
          q('cons-routine', 'What does a normal day look like? Do you go online at bedtime?'),
          q('cons-meaning', 'What do you get from your time online? How does it help you?'),
          q('cons-affecting', 'Does time online ever make you tired, cross or sad? Does it get in the way of school or friends?'),
          q('cons-change', 'Is there anything you would like to change about your time online?'),
        ],
        leftOut: [],
      },
      {
        title: 'Your time online',
        intro: "Being online is part of everyday life. Let's look at a normal day for you.",
        questions: [
          q('cons-apps-why', 'Which apps do you use most, and what do you like about them?'),
          q('cons-how-long', 'How often do you check them, and for how long?'),
          q('cons-routine', 'Talk me through a normal day. What about late at night?'),
          q('cons-meaning', 'What does your time online give you? Fun, friends, calm, something else?'),
          q('cons-affecting', 'Does it ever get in the way of sleep, school or your mood? Or people you care about?'),
          q('cons-change', 'Is there anything about your time online you would like to change?'),
        ],
        leftOut: [],
      },
      {},
      {
        'under-8': {
          questions: {
            'cons-how-long': 'How long do you play each day?',
            'cons-routine': 'What do you do after school? Do you play on a screen at bedtime?',
            'cons-affecting': 'Do you ever feel tired, cross or sad after playing? Does it stop you doing other things?',
          },
        },
        '16-17': {
          questions: {
            'cons-affecting': 'Does it ever get in the way of sleep, college, work or your mood? Or people you care about?',
            'cons-change': 'Is there anything you would like to change? What would help you do it your way?',
          },
        },
      },
    ),
    parent: {
      title: 'Time online',
      intro: "Being online is part of everyday life. Let's look at a normal day for your child.",
      questions: [
        q('cons-apps-why', 'Which apps does your child use most, and why do you think they like them?'),
        q('cons-how-long', 'How often do they use them, and for how long?'),
        q('cons-routine', 'What does a normal day look like, bedtime too?'),
        q('cons-meaning', 'What do you think being online gives your child?'),
        q('cons-affecting', 'Is it affecting their sleep, mood, school or family time?'),
        q('cons-change', 'What small changes could help, that your child would agree to?'),
      ],
    },
  },
  commercial: {
    young: byLevel<'commercial'>(
      {
        title: 'Things I make',
        intro: 'Things you make online can be great. Some people may want to use them for themselves.',
        questions: [
          q('comm-value', 'Have you made something online you are proud of? Like a video or a game world?'),
          q('comm-positive', 'Has it helped you learn, help others, or earn something?'),
          q('comm-used-by-others', 'Has anyone tried to use your things, your account or your pictures for themselves?'),
          q('comm-exploitation', 'Has anyone offered you money, gifts or game points? Was it to send pictures or do something?'),
          q('comm-develop', 'What would you like to make next? Who could help you do it safely?'),
        ],
        leftOut: [],
      },
      {
        title: 'What your posts are worth',
        intro: "What you make online can be worth something to you and to others. Let's talk about it.",
        questions: [
          q('comm-value', 'Do you make things online that people like or follow? Like videos, art or a channel?'),
          q('comm-positive', 'Has it helped you earn money, learn skills or support something you care about?'),
          q('comm-used-by-others', 'Has anyone used your account, photos or videos to get something for themselves?'),
          q('comm-exploitation', 'Has anyone offered you money, gifts or game credit? Was it to send pictures, carry things or do favours?'),
          q('comm-develop', 'What would you like to do with your skills? Who could help you do it safely?'),
        ],
        leftOut: [],
      },
      {},
      {
        'under-8': {
          intro: 'Things you make online can be great. Some people may want them too.',
          questions: {
            'comm-value': 'What have you made online that you are proud of?',
            'comm-exploitation': 'Has anyone online offered you presents or game points? What did they want you to do?',
          },
        },
        '16-17': {
          title: 'Your skills and money',
          intro: 'What you make online can earn money or open doors. Some people may want to use it for themselves.',
          questions: {
            'comm-positive': 'Has it helped you earn money, learn skills for work or support something you care about?',
            'comm-exploitation': 'Has anyone offered you money, gifts, a job or an easy way to earn? What did they want back?',
            'comm-develop': 'Could your skills help with work or college? Who could help you do it safely?',
          },
        },
      },
    ),
    parent: {
      title: 'What their posts are worth',
      intro: 'What children make online can help them learn and earn. Some people may try to use it.',
      questions: [
        q('comm-value', 'Does your child make things online that others like, such as videos or a channel?'),
        q('comm-positive', 'Is it helping them learn, earn or support a cause?'),
        q('comm-used-by-others', "Has anyone used your child's account, pictures or videos for their own gain?"),
        q('comm-exploitation', 'Has anyone offered your child money, gifts or game credit for pictures or favours?'),
        q('comm-develop', 'How could you help your child build on this safely?'),
      ],
    },
  },
  composite: {
    young: byLevel<'composite'>(
      {
        title: 'Putting it all together',
        intro: "We have talked about lots of things. Let's look at them all at once.",
        questions: [
          q('compo-strengths', 'What are you best at? What helps you when things are hard?'),
          q('compo-which-cs', 'Of all the things we talked about, what worries you most?'),
          q('compo-offline', 'Is anything hard at home or at school right now?'),
          q('compo-combine', 'How are you feeling about things right now, online and offline?'),
        ],
        leftOut: [
          {
            asks: 'compo-interact',
            why: 'How worries add to each other is for the practitioner to think through. It is too abstract to ask a young child, and asking could make them feel more worried.',
          },
        ],
      },
      {
        title: 'The whole picture',
        intro: "We have talked about lots of things. Let's step back and look at the whole picture.",
        questions: [
          q('compo-strengths', 'What are your biggest strengths? What keeps you going when things are hard?'),
          q('compo-which-cs', 'Looking at everything we talked about, what worries you most?'),
          q('compo-interact', 'Do any of those worries make the others worse?'),
          q('compo-offline', 'Is anything hard at home, at school or in your life right now?'),
          q('compo-combine', 'How is all of this affecting how you feel, your friendships and how you are doing?'),
        ],
        leftOut: [],
      },
      {},
      {
        'under-8': {
          questions: {
            'compo-which-cs': 'Of all the things we talked about, what is the worst bit?',
            'compo-combine': 'How are you feeling about things right now?',
          },
        },
        '16-17': {
          questions: {
            'compo-offline': 'Is anything hard at home, at college or work, or in your life right now?',
            'compo-combine': 'How is all of this affecting how you feel, your relationships and your plans?',
          },
        },
      },
    ),
    parent: {
      title: 'The whole picture',
      intro: "We have talked about lots of things. Let's step back and look at them together.",
      questions: [
        q('compo-strengths', "What are your child's and your family's biggest strengths?"),
        q('compo-which-cs', 'Of everything we talked about, what worries you most?'),
        q('compo-interact', 'Do any of these worries make each other worse?'),
        q('compo-offline', 'Is anything hard for your family right now, at home or outside it?'),
        q('compo-combine', "How is all of this affecting your child's wellbeing, friendships and growing up?"),
      ],
    },
  },
};

/** The young person's wording for a C at an age band. */
export function youngWords<C extends CId>(c: C, band: AgeBand): YoungWords<C> {
  return (TOGETHER_WORDS[c] as CTogether<C>).young[band];
}

/** The parents' and carers' wording for a C. */
export function parentWords<C extends CId>(c: C): ParentWords<C> {
  return (TOGETHER_WORDS[c] as CTogether<C>).parent;
}
