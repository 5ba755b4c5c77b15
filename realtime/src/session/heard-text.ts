// The part of an agent utterance the caller actually heard, when they cut it off.

/**
 * Cuts `text` in proportion to the audio heard (`heardMs` of `producedMs`), back to the
 * last whole word, so the stored transcript holds what the caller heard and no more.
 */
export function cutToHeard(text: string, heardMs: number, producedMs: number): string {
  if (producedMs <= 0 || heardMs <= 0) return "";
  if (heardMs >= producedMs) return text;
  const n = Math.floor(text.length * (heardMs / producedMs));
  let cut = text.slice(0, n);
  if (n < text.length && !/\s/.test(text[n]!)) {
    const lastSpace = cut.search(/\s\S*$/);
    cut = lastSpace === -1 ? "" : cut.slice(0, lastSpace);
  }
  return cut.trimEnd();
}
