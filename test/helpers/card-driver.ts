import { execute, type TestBot, type TestUser, type TurnResult } from './bot-harness.js';

type Json = Record<string, unknown>;

function walk(node: unknown, visit: (n: Json) => void): void {
  if (Array.isArray(node)) {
    node.forEach((n) => walk(n, visit));
    return;
  }
  if (node && typeof node === 'object') {
    visit(node as Json);
    Object.values(node).forEach((v) => walk(v, visit));
  }
}

/** Every Action.Execute on a card (body ActionSets and top-level actions). */
export function executeActions(card: unknown): { title: string; verb: string; data: Json }[] {
  const out: { title: string; verb: string; data: Json }[] = [];
  walk(card, (n) => {
    if (n.type === 'Action.Execute') out.push({ title: String(n.title ?? ''), verb: String(n.verb ?? ''), data: (n.data as Json | undefined) ?? {} });
  });
  return out;
}

/** The current value of every input on a card, as Teams would send it. */
export function inputsOf(card: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  walk(card, (n) => {
    if (typeof n.type === 'string' && n.type.startsWith('Input.') && typeof n.id === 'string') out[n.id] = n.value === undefined ? '' : String(n.value);
  });
  return out;
}

/** Finds the action a person would press: by verb, and by title when several share a verb. */
export function actionOf(card: unknown, verb: string, title?: string | RegExp): { title: string; verb: string; data: Json } {
  const found = executeActions(card).filter(
    (a) => a.verb === verb && (title === undefined || (typeof title === 'string' ? a.title === title : title.test(a.title))),
  );
  if (found.length === 0)
    throw new Error(
      `No Action.Execute ${verb}${title ? ` titled ${String(title)}` : ''} on the card; actions: ${executeActions(card)
        .map((a) => `${a.verb}:${a.title}`)
        .join(', ')}`,
    );
  return found[0]!;
}

/** Presses a button on a card the way Teams does: the action's data merged with every input's value (changes only to inputs the card has). */
export function press(
  bot: Pick<TestBot, 'send' | 'connector'>,
  user: TestUser,
  card: unknown,
  verb: string,
  changes: Record<string, string> = {},
  title?: string | RegExp,
): Promise<TurnResult> {
  const action = actionOf(card, verb, title);
  const inputs = inputsOf(card);
  const unknown = Object.keys(changes).filter((k) => !(k in inputs));
  if (unknown.length > 0) throw new Error(`The card has no input ${unknown.join(', ')}; inputs: ${Object.keys(inputs).join(', ')}`);
  return bot.send(execute(bot, user, verb, { ...inputsOf(card), ...changes, ...action.data }));
}
