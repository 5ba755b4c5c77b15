// Token estimate for chunk sizing and embedding-request budgets. No BPE tokenizer ships
// offline, so this approximates OpenAI's cl100k/o200k counts for prose: a word is a token
// per ~6 letters, digits go in threes, each punctuation mark is one. It runs a little high
// on English on purpose, so budgets built on it stay under the real limits.

const PIECE = /(\p{L}+)|(\p{N}+)|[^\s\p{L}\p{N}]/gu;

export function countTokens(text: string): number {
  let tokens = 0;
  for (const m of text.matchAll(PIECE)) {
    if (m[1] !== undefined) tokens += Math.ceil(m[1].length / 6);
    else if (m[2] !== undefined) tokens += Math.ceil(m[2].length / 3);
    else tokens += 1;
  }
  return tokens;
}
