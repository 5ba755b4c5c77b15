// Token estimate for chunk sizing and embedding-request budgets. No BPE tokenizer ships
// offline, so this approximates OpenAI's cl100k/o200k counts for prose: a word is a token
// per ~6 letters, digits go in threes, each punctuation mark is one. It runs a little high
// on English on purpose, so budgets built on it stay under the real limits.

const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;

const enum Kind {
  Space,
  Letter,
  Digit,
  Other,
}

function kindOf(code: number, ch: string): Kind {
  if (code < 128) {
    if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) return Kind.Letter;
    if (code >= 48 && code <= 57) return Kind.Digit;
    if (code === 32 || (code >= 9 && code <= 13)) return Kind.Space;
    return Kind.Other;
  }
  if (LETTER.test(ch)) return Kind.Letter;
  if (DIGIT.test(ch)) return Kind.Digit;
  return /\s/.test(ch) ? Kind.Space : Kind.Other;
}

export function countTokens(text: string): number {
  let tokens = 0;
  let run = Kind.Space;
  let runLength = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let kind: Kind;
    if (code < 128) kind = ASCII_KIND[code]!;
    else {
      // A character outside the BMP is a surrogate pair: classify it whole.
      const wide = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length;
      kind = kindOf(code, wide ? text.slice(i, i + 2) : text[i]!);
      if (wide) i++;
    }
    if (kind === run && (kind === Kind.Letter || kind === Kind.Digit)) {
      runLength++;
      continue;
    }
    if (run === Kind.Letter) tokens += Math.ceil(runLength / 6);
    else if (run === Kind.Digit) tokens += Math.ceil(runLength / 3);
    if (kind === Kind.Other) tokens++;
    run = kind;
    runLength = 1;
  }
  if (run === Kind.Letter) tokens += Math.ceil(runLength / 6);
  else if (run === Kind.Digit) tokens += Math.ceil(runLength / 3);
  return tokens;
}

const ASCII_KIND: Kind[] = Array.from({ length: 128 }, (_, code) => kindOf(code, String.fromCharCode(code)));
