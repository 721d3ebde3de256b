import { describe, expect, it } from 'vitest';
import { renderMyOnlineWorld, renderWorldChoose } from '../../src/cards/my-online-world-cards.js';
import { AssessmentSchema, RESILIENCE_LABELS, RISK_LABELS, type Assessment } from '../../src/tencs/assessment.js';
import { WORLD_HEADINGS, myOnlineWorld, pickId, picksFromList, readWorldPicks, worldCandidates, worldPlainText } from '../../src/tencs/my-online-world.js';
import { youngWords } from '../../src/tencs/together-words.js';
import { C_IDS } from '../../src/tencs/ten-cs.js';

const CASE_REF = 'CASE-REF-QW42';
const SECRET = 'PRACTITIONER-ONLY';

function assessment(): Assessment {
  return AssessmentSchema.parse({
    id: '8276543210987-abcdefghijkl',
    tenantId: 't',
    ownerId: 'u',
    status: 'completed',
    step: 'complete',
    cautionsAcknowledged: true,
    setup: {
      caseRef: CASE_REF,
      ageBand: '14-15',
      participants: ['young-person', 'parent-carer'],
      participantsOther: `${SECRET} other`,
      assessedOn: '2026-11-30',
    },
    answers: {
      contact: {
        strengths: 'Tells her aunt when something feels off',
        vulnerabilities: `${SECRET} vulnerabilities`,
        risk: 'high',
        resilience: 'low',
        youngPersonView: 'My gaming friends matter to me',
        parentView: `${SECRET} parent`,
        nextSteps: 'Block and report together',
        skipped: false,
      },
      content: {
        strengths: 'Makes stop-motion films',
        vulnerabilities: `${SECRET} v2`,
        risk: 'medium',
        resilience: 'strong',
        youngPersonView: 'Films are my thing',
        parentView: `${SECRET} parent2`,
        nextSteps: '',
        skipped: false,
      },
      conduct: {
        strengths: 'Skipped text',
        vulnerabilities: '',
        risk: 'not-explored',
        resilience: 'not-explored',
        youngPersonView: '',
        parentView: '',
        nextSteps: '',
        skipped: true,
      },
    },
    composite: { offlineFactors: ['neglect'], offlineOther: `${SECRET} offline`, analysis: `${SECRET} analysis`, impact: `${SECRET} impact` },
    rev: 9,
    createdAt: '2026-11-30T10:00:00.000Z',
    updatedAt: '2026-11-30T11:00:00.000Z',
    completedAt: '2026-11-30T11:00:00.000Z',
  });
}

/** Every string a person can read on a card. */
function shownText(card: unknown): string[] {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n && typeof n === 'object')
      for (const [k, v] of Object.entries(n as Record<string, unknown>)) {
        if (typeof v === 'string' && ['text', 'title', 'label', 'value'].includes(k)) out.push(v);
        else walk(v);
      }
  };
  walk(card);
  return out;
}

const everything = new Set(['strengths', 'matters', 'nextSteps'].flatMap((k) => C_IDS.map((c) => pickId(k as 'strengths', c))));

describe('My online world', () => {
  it('when the practitioner chooses, then only strengths, own views and next steps of answered, unskipped Cs are offered', () => {
    const items = worldCandidates(assessment());
    expect(items.map((i) => `${i.kind}:${i.c}`)).toEqual(['strengths:content', 'strengths:contact', 'matters:content', 'matters:contact', 'nextSteps:contact']);
    expect(items[1]!.topic).toBe(youngWords('contact', '14-15').title);
  });

  it('when everything is chosen, then the card and its plain text carry no rating, no case reference and nothing about anyone else', () => {
    const a = assessment();
    const card = JSON.stringify(renderMyOnlineWorld(a, everything));
    const text = worldPlainText(myOnlineWorld(a, everything));
    for (const out of [card, text]) {
      expect(out).not.toContain(CASE_REF);
      expect(out).not.toContain(SECRET);
      expect(out).not.toMatch(/risk|resilience/i);
      const shown = out === card ? shownText(JSON.parse(card)) : out.split('\n');
      for (const label of [...Object.values(RISK_LABELS), ...Object.values(RESILIENCE_LABELS)].filter((l) => l !== 'Not explored')) {
        expect(shown.filter((t) => t === label || t.endsWith(`: ${label}`) || t.includes(` ${label} risk`))).toEqual([]);
      }
      expect(out).toContain('Makes stop-motion films');
      expect(out).toContain('My gaming friends matter to me');
      expect(out).toContain('Block and report together');
    }
  });

  it("when only some items are chosen, then only those are shown, under the young person's headings", () => {
    const a = assessment();
    const picks = new Set([pickId('matters', 'content'), pickId('nextSteps', 'contact')]);
    const text = worldPlainText(myOnlineWorld(a, picks));
    expect(text).toBe(
      [
        'My online world',
        '',
        WORLD_HEADINGS.matters,
        `- ${youngWords('content', '14-15').title}: Films are my thing`,
        '',
        WORLD_HEADINGS.nextSteps,
        `- ${youngWords('contact', '14-15').title}: Block and report together`,
        '',
      ].join('\n'),
    );
    const card = JSON.stringify(renderMyOnlineWorld(a, picks));
    expect(card).toContain('Films are my thing');
    expect(card).not.toContain('Makes stop-motion films');
    expect(card).not.toContain('My gaming friends');
  });

  it('when the selection card is read back, then only known toggles that are on count, and a picks list keeps only known ids', () => {
    const picks = readWorldPicks({ [pickId('strengths', 'contact')]: 'true', [pickId('matters', 'contact')]: 'false', pick_evil_x: 'true', caseRef: 'true' });
    expect([...picks]).toEqual([pickId('strengths', 'contact')]);
    expect([...picksFromList(`${pickId('nextSteps', 'content')},pick_risk_contact,<script>`)]).toEqual([pickId('nextSteps', 'content')]);
    expect([...picksFromList(42)]).toEqual([]);
  });

  it('when the selection card is shown, then it offers each item as a toggle with the earlier picks ticked, and no rating', () => {
    const card = renderWorldChoose(assessment(), new Set([pickId('strengths', 'content')]));
    const json = JSON.stringify(card);
    expect(json).toContain(`"id":"${pickId('strengths', 'content')}"`);
    expect(json).toMatch(new RegExp(`"id":"${pickId('strengths', 'content')}"[^}]*"value":"true"`));
    expect(json).toMatch(new RegExp(`"id":"${pickId('strengths', 'contact')}"[^}]*"value":"false"`));
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain(CASE_REF);
  });
});
