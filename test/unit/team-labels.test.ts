import { describe, expect, it } from 'vitest';
import { labelTeams } from '../../src/tencs/share-service.js';
import type { TeamRef } from '../../src/tencs/sharing.js';

const team = (teamId: string, teamName: string, installedAt: string): TeamRef => ({
  tenantId: 't',
  teamId,
  teamName,
  channelId: teamId,
  serviceUrl: 'https://smba.trafficmanager.net/uk/',
  botId: '28:bot',
  installedAt,
  updatedAt: installedAt,
});

describe('labels for the teams a practitioner can share to', () => {
  it('when every team has its own name, then the name alone is shown', () => {
    const labels = labelTeams([team('19:a@thread.tacv2', 'Duty', '2026-01-01T09:00:00Z'), team('19:b@thread.tacv2', 'Leaving Care', '2026-01-02T09:00:00Z')]);
    expect(labels).toEqual([
      { teamId: '19:a@thread.tacv2', label: 'Duty' },
      { teamId: '19:b@thread.tacv2', label: 'Leaving Care' },
    ]);
  });

  it('when teams share a name, even one added the same day or differing only in case, then every label differs and none shows an id', () => {
    const teams = [
      team('19:x@thread.tacv2', 'Duty and Assessment', '2026-02-03T10:00:00Z'),
      team('19:y@thread.tacv2', 'duty and assessment', '2026-02-03T11:00:00Z'),
      team('19:z@thread.skype', 'Duty and Assessment', '2025-11-20T08:00:00Z'),
      team('19:w@thread.tacv2', 'Court Team', '2025-11-20T08:00:00Z'),
    ];
    const labels = labelTeams(teams);
    expect(new Set(labels.map((l) => l.label)).size).toBe(4);
    expect(labels.find((l) => l.teamId === '19:z@thread.skype')!.label).toBe('Duty and Assessment (team 1 of 3 with this name, tencs added 20 November 2025)');
    expect(labels.find((l) => l.teamId === '19:x@thread.tacv2')!.label).toBe('Duty and Assessment (team 2 of 3 with this name, tencs added 3 February 2026)');
    expect(labels.find((l) => l.teamId === '19:w@thread.tacv2')!.label).toBe('Court Team');
    for (const l of labels) expect(l.label).not.toMatch(/19:|@thread/);
  });

  it('when a name is empty, then it reads "Unnamed team"', () => {
    expect(labelTeams([team('19:e@thread.tacv2', '  ', '2026-01-01T00:00:00Z')])[0]!.label).toBe('Unnamed team');
  });
});
