/** Action.Execute verbs shared by the card templates and the handlers that answer them. */
export const VERBS = {
  start: 'tencs.start',
  help: 'tencs.help',
  consultList: 'tencs.consult',
  consultC: 'tencs.consult.c',
  cautions: 'tencs.cautions',
  practiceExample: 'tencs.practice-example',
  changes: 'tencs.changes',
  standards: 'tencs.standards',
} as const;

export type Verb = (typeof VERBS)[keyof typeof VERBS];
