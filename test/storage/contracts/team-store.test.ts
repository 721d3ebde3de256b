import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { STORES, newTeam } from './stores.js';

describe.each(STORES)('TeamStore contract (%s)', (_name, open) => {
  it('when teams are installed in two tenants, then each tenant lists only its own, by name', async () => {
    const { teams } = await open();
    const [t1, t2] = [randomUUID(), randomUUID()];
    const b = newTeam(t1, 'Bravo');
    const a = newTeam(t1, 'Alpha');
    await teams.upsert(b);
    await teams.upsert(a);
    await teams.upsert(newTeam(t2, 'Other'));
    expect((await teams.listForTenant(t1)).map((t) => t.teamName)).toEqual(['Alpha', 'Bravo']);
    expect(await teams.get(t1, a.teamId)).toEqual(a);
    expect(await teams.get(t2, a.teamId)).toBeUndefined();
  });

  it('when a team is upserted again, then it is refreshed, not doubled; when deleted, it is forgotten and a second delete is false', async () => {
    const { teams } = await open();
    const t = randomUUID();
    const a = newTeam(t, 'Alpha');
    await teams.upsert(a);
    await teams.upsert({ ...a, teamName: 'Alpha renamed' });
    expect((await teams.listForTenant(t)).map((x) => x.teamName)).toEqual(['Alpha renamed']);
    expect(await teams.delete(t, a.teamId)).toBe(true);
    expect(await teams.delete(t, a.teamId)).toBe(false);
    expect(await teams.get(t, a.teamId)).toBeUndefined();
  });
});
