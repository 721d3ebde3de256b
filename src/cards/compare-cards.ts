import type { CaseComparison, Change } from '../tencs/cycle/compare.js';
import { ukDate } from '../tencs/uk-dates.js';
import { renderCard, type AdaptiveCardJson } from './render.js';

/** Actions listed on the card at most; the rest are counted, so a long plan cannot push the card past 28 KB. */
export const MAX_ACTIONS_ON_CARD = 8;

/** Characters of an action's words shown on the card; the plan itself keeps them whole. */
export const ACTION_CHARS_ON_CARD = 200;

/** Shortens by whole characters (never half a surrogate pair), marking the cut. */
function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

const changeWords = (what: string, c: Change | undefined): string | undefined =>
  c === undefined || c === 'not explored' ? undefined : `${what} ${c === 'same' ? 'the same' : c}`;

/** The card data for the map over time; user text (the actions' words) is bound as data only. */
export function compareCardData(c: CaseComparison) {
  const cs = c.cs.map((row) => {
    const words = [changeWords('risk', row.riskChange), changeWords('resilience', row.resilienceChange)].filter((w): w is string => w !== undefined);
    return {
      heading: `C${row.number} ${row.title}`,
      cells: row.cells.map((cell) => ({
        date: cell.date,
        text: `Risk ${cell.risk.toLowerCase()}; resilience ${cell.resilience.toLowerCase()}${cell.carried ? ' (carried over, not yet confirmed)' : ''}`,
      })),
      hasChange: words.length > 0,
      changeText: words.length > 0 ? `Since the last assessment: ${words.join('; ')}` : '',
    };
  });
  const offline = [
    ...(c.newOfflineFactors.length > 0 ? [{ line: `Noted for the first time: ${c.newOfflineFactors.join(', ')}` }] : []),
    ...(c.offlineFactorsNoLongerNoted.length > 0 ? [{ line: `No longer noted: ${c.offlineFactorsNoLongerNoted.join(', ')}` }] : []),
  ];
  const actions = c.actionsDue.slice(0, MAX_ACTIONS_ON_CARD).map((a) => {
    const parts = [a.who ? `by ${clip(a.who, 80)}` : '', a.byWhen ? `due ${ukDate(a.byWhen)}` : ''].filter((p) => p !== '');
    return { what: clip(a.what, ACTION_CHARS_ON_CARD), whoWhen: parts.length > 0 ? ` (${parts.join(', ')})` : '' };
  });
  const n = c.dates.length;
  return {
    caseRef: c.caseRef,
    intro: n > 1 ? `The ${n} most recent assessments, oldest first: ${c.dates.join(', ')}.` : `One assessment: ${c.dates[0] ?? ''}.`,
    cs,
    hasOffline: offline.length > 0,
    offline,
    hasActions: actions.length > 0,
    actionsTitle: 'Actions from the plan that were due since the last assessment',
    actions,
    moreActions: c.actionsDue.length > MAX_ACTIONS_ON_CARD ? `And ${c.actionsDue.length - MAX_ACTIONS_ON_CARD} more actions that were due: see the plan.` : '',
    hasMoreActions: c.actionsDue.length > MAX_ACTIONS_ON_CARD,
    single: n === 1,
  };
}

/** The "case over time" card. */
export function compareCard(c: CaseComparison): AdaptiveCardJson {
  return renderCard('compare', compareCardData(c));
}
