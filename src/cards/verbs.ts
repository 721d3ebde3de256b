/** Action.Execute verbs shared by the card templates and the handlers that answer them. */
export const VERBS = {
  start: 'tencs.start',
  help: 'tencs.help',
} as const;

export type Verb = (typeof VERBS)[keyof typeof VERBS];
