/** A UTF-16 high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The text with each lone UTF-16 surrogate replaced by U+FFFD, as String.prototype.toWellFormed does.
 * Storage and JSON over the wire keep only well-formed text, so text read from a card is made well
 * formed first: what is compared is then what is stored, and the same card sent twice is a duplicate.
 */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}
