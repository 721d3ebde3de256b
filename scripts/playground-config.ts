/**
 * The Agents Playground's mock tenant for tencs: one tenant, one team, a practitioner, a manager and
 * colleagues. The end-to-end tests give each Playground one of these as its signed-in user, and
 * `PLAYGROUND_COLLEAGUE_PORT=56151 npm start` opens a second Playground as a colleague the same way.
 */

/** A Teams user in the Playground's mock tenant. */
export interface PlaygroundUser {
  readonly id: string;
  readonly name: string;
  readonly aadObjectId: string;
  readonly givenName: string;
  readonly surname: string;
}

export const PRACTITIONER: PlaygroundUser = {
  id: 'user-id-practitioner',
  name: 'Alex Wilber',
  aadObjectId: '6a0f2f1e-1c1d-4d6e-9a7b-0c1d2e3f4a51',
  givenName: 'Alex',
  surname: 'Wilber',
};
export const MANAGER: PlaygroundUser = {
  id: 'user-id-manager',
  name: 'Megan Bowen',
  aadObjectId: '7b1a3a2f-2d2e-4e7f-8b8c-1d2e3f4a5b62',
  givenName: 'Megan',
  surname: 'Bowen',
};
export const OUTSIDER: PlaygroundUser = {
  id: 'user-id-outsider',
  name: 'Isaiah Langer',
  aadObjectId: '8c2b4b3a-3e3f-4f80-9c9d-2e3f4a5b6c73',
  givenName: 'Isaiah',
  surname: 'Langer',
};
/** A fellow practitioner a case can be handed over to. */
export const COLLEAGUE: PlaygroundUser = {
  id: 'user-id-colleague-1',
  name: 'Adele Vance',
  aadObjectId: '9d3c5c4b-4f40-4091-8dae-3f4a5b6c7d84',
  givenName: 'Adele',
  surname: 'Vance',
};
/** The Playground insists on exactly five other users; these colleagues fill the team (`me` and `others` are left out of them). */
const COLLEAGUES: readonly PlaygroundUser[] = [
  COLLEAGUE,
  { id: 'user-id-colleague-2', name: 'Patti Fernandez', aadObjectId: 'ae4d6d5c-5051-41a2-9ebf-4a5b6c7d8e95', givenName: 'Patti', surname: 'Fernandez' },
  { id: 'user-id-colleague-3', name: 'Lynne Robbins', aadObjectId: 'bf5e7e6d-6162-42b3-afc0-5b6c7d8e9fa6', givenName: 'Lynne', surname: 'Robbins' },
  { id: 'user-id-colleague-4', name: 'Diego Siciliani', aadObjectId: 'c06f8f7e-7273-43c4-b0d1-6c7d8e9fa0b7', givenName: 'Diego', surname: 'Siciliani' },
];

function userYaml(u: PlaygroundUser, indent: string): string {
  const upn = `${u.givenName.toLowerCase()}@example.org`;
  return [
    `id: ${u.id}`,
    `name: ${u.name}`,
    `userPrincipleName: ${upn}`,
    `aadObjectId: ${u.aadObjectId}`,
    `givenName: ${u.givenName}`,
    `surname: ${u.surname}`,
    `email: ${upn}`,
  ]
    .map((line, i) => (i === 0 ? line : `${indent}${line}`))
    .join('\n');
}

/**
 * The Playground's mock tenant as `me` sees it: one tenant, one team ("Safeguarding Team") whose members are the
 * practitioner and the manager, so two Playgrounds with different current users share the same team and channel.
 */
export function playgroundConfig(me: PlaygroundUser, others: readonly PlaygroundUser[]): string {
  return `version: "0.1.1"
tenantId: 00000000-0000-4000-8000-000000000001
bot:
  id: 00000000-0000-4000-8000-000000000011
  name: tencs
currentUser:
  ${userYaml(me, '  ')}
users:
${[...others, ...COLLEAGUES.filter((u) => u.id !== me.id && !others.some((o) => o.id === u.id))].map((u) => `  - ${userYaml(u, '    ')}`).join('\n')}
personalChat:
  id: personal-chat-${me.id}
groupChat:
  id: group-chat-id
  name: Group Chat
team:
  id: "19:e2esafeguardingteam@thread.tacv2"
  name: Safeguarding Team
  aadGroupId: 00000000-0000-4000-8000-000000000031
  channels:
    - id: channel-supervision-id
      name: Supervision
`;
}
