/**
 * Text a practitioner could type that would do harm if a card evaluated or interpreted it:
 * template and adaptive-expression syntax, markdown links and images, HTML, and JSON fragments.
 * Under 300 characters so it fits every free-text field, the shortest included.
 */
export const HOSTILE_TEXT =
  "${$root} ${if(true,'x','y')} ${text} {{name}} " +
  '[x](https://evil.example/l) ![i](https://evil.example/i.png) <script>alert(1)</script> <img src="https://evil.example/h.png"> ' +
  '"},{"type":"Action.OpenUrl","url":"https://evil.example/j"},{"type":"TextBlock","text":"' +
  '\n**b** <at>x</at>';

/** Card properties that render bound text without interpreting markdown: the only places user text may appear. */
export function isLiteralPlace(element: Record<string, unknown>, key: string): boolean {
  const type = typeof element.type === 'string' ? element.type : '';
  if (type === 'TextRun' && key === 'text') return true;
  if (type.startsWith('Input.') && key === 'value') return true;
  return false;
}
