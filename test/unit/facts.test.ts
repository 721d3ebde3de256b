import { describe, expect, it } from 'vitest';
import { activityOf } from '../../src/interactions/activity.js';
import { facts } from '../../src/interactions/facts.js';

const base = {
  type: 'message',
  id: 'act-1',
  from: { id: '29:user', aadObjectId: 'AB-CD', name: 'Pat' },
  recipient: { id: '28:bot' },
  channelData: { tenant: { id: 'TENANT-1' } },
};

describe('facts(): who is asking and from where, read once from an SDK-free activity', () => {
  it('when Teams names the tenant in channelData and the sender by Entra id, then both are lower-cased into the owner', () => {
    const f = facts(activityOf({ ...base, conversation: { id: 'c1', conversationType: 'personal' } }));
    expect(f.who).toEqual({ tenantId: 'tenant-1', aadObjectId: 'ab-cd' });
    expect(f).toMatchObject({
      activityId: 'act-1',
      userId: '29:user',
      name: 'Pat',
      botId: '28:bot',
      conversation: { id: 'c1', type: 'personal', personal: true },
    });
  });

  it('when the tenant is only on the conversation, then it is used; when the Entra id is missing or too long, then there is no owner', () => {
    expect(facts(activityOf({ ...base, channelData: {}, conversation: { id: 'c', tenantId: 'T2', conversationType: 'personal' } })).who?.tenantId).toBe('t2');
    expect(facts(activityOf({ ...base, from: { id: '29:user' } })).who).toBeUndefined();
    expect(facts(activityOf({ ...base, from: { id: '29:user', aadObjectId: 'x'.repeat(200) } })).who).toBeUndefined();
  });

  it.each([
    ['a channel', { conversationType: 'channel', isGroup: true }, {}, false],
    ['a group chat', { conversationType: 'groupChat', isGroup: true }, {}, false],
    ['a group chat that gives no type', { isGroup: true }, {}, false],
    ['a missing type in a team', {}, { team: { id: '19:team' } }, false],
    ['a missing type in a channel', {}, { channel: { id: '19:chan' } }, false],
    ["the Playground's personal chat (no type, nothing group)", {}, {}, true],
    ['an unknown type', { conversationType: 'meeting' }, {}, false],
  ])('when the conversation is %s, then personal is %s', (_name, conversation, channelData, personal) => {
    const f = facts(activityOf({ ...base, conversation: { id: 'c', ...conversation }, channelData: { ...base.channelData, ...channelData } }));
    expect(f.conversation.personal).toBe(personal);
  });

  it('when fields are the wrong shape or the activity is not an object, then they read as absent and nothing throws', () => {
    const f = facts(activityOf({ type: 'message', from: 42, conversation: 'nope', timestamp: 'not a date', channelData: { tenant: 7 } }));
    expect(f.who).toBeUndefined();
    // A conversation that is not even an object is not taken for a personal chat.
    expect(f.conversation.personal).toBe(false);
    expect(Number.isNaN(f.at.getTime())).toBe(false);
    expect(facts(activityOf(null)).activityType).toBe('');
  });
});

describe('activityOf(): the SDK-free activity shape', () => {
  it('when attachments are many or oddly shaped, then every one is kept for the refusal guard', () => {
    const many = Array.from({ length: 150 }, () => ({ contentType: 'image/png', contentUrl: 'https://x' }));
    expect(activityOf({ type: 'message', attachments: many }).attachments).toHaveLength(150);
    expect(activityOf({ type: 'message', attachments: [7, null, { contentType: 42 }] }).attachments).toEqual([
      { contentType: undefined, content: undefined },
      { contentType: undefined, content: undefined },
      { contentType: undefined, content: undefined },
    ]);
  });

  it('when the text is very long, then it is still the text (the body limit bounds it), not an empty message', () => {
    expect(activityOf({ type: 'message', text: 'x'.repeat(200_000) }).text).toHaveLength(200_000);
  });
});
