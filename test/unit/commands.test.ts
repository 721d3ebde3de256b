import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/tencs/commands.js';

describe('parseCommand', () => {
  it.each([
    ['start', 'start', ''],
    ['Start assessment', 'start', ''],
    ['  NEW   assessment ', 'start', ''],
    ['resume', 'resume', ''],
    ['My assessments', 'list', ''],
    ['help', 'help', ''],
    ['consult contact', 'consult', 'contact'],
    ['Consult: 5', 'consult', '5'],
    ['<at>tencs</at> consult Content', 'consult', 'Content'],
    ['cautions', 'cautions', ''],
    ['practice example', 'practice-example', ''],
    ['changes', 'changes', ''],
    ['standards', 'standards', ''],
    ['audit CASE-1', 'audit', 'CASE-1'],
    ['/help', 'help', ''],
    ['Hello', 'help', ''],
    ['hi!', 'help', ''],
  ])('when the user types %j, then it is %s with arg %j', (text, kind, arg) => {
    expect(parseCommand(text)).toEqual({ kind, arg });
  });

  it.each(['', 'what now', 'startle', 'history', 'consultant advice', undefined])('when the text is %j, then it is unknown', (text) => {
    expect(parseCommand(text).kind).toBe('unknown');
  });
});
