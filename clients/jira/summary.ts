// Jira refuses a summary longer than 255 characters or one containing line breaks (F20). Text mapped from
// the CRM (a deal name, a case subject) can be either, so it is made to fit before it is sent.

/** Jira's limit, counted as Java counts string length (UTF-16 code units), like `String.length` here. */
export const SUMMARY_MAX_LENGTH = 255;

/**
 * One line of at most `max` characters: whitespace runs (line breaks included) become one space, and text
 * that is too long is cut at a word boundary when one is near, ending in an ellipsis.
 */
export function truncateSummary(text: string, max: number = SUMMARY_MAX_LENGTH): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine.length <= max) return oneLine;
  const ellipsis = '…';
  let cut = oneLine.slice(0, max - ellipsis.length);
  // Never leave half of a surrogate pair (an emoji) at the end.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.lastIndexOf(' ');
  if (space >= cut.length - 20 && space > 0) cut = cut.slice(0, space);
  return cut.trimEnd() + ellipsis;
}
