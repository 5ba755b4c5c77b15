// Splits text into plain and matching pieces for the words of a search, so the widget can
// wrap matches in <mark> (as elements, never as HTML). Case- and accent-insensitive.

export interface Piece {
  text: string;
  match: boolean;
}

const fold = (s: string) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

/** The words of a query worth highlighting (two letters or more). */
export function queryTerms(query: string): string[] {
  const words = fold(query).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 2);
  return [...new Set(words)].sort((a, b) => b.length - a.length);
}

export function highlight(text: string, terms: readonly string[]): Piece[] {
  if (!terms.length || !text) return [{ text, match: false }];
  // Folding may change lengths (é → e + mark stripped); fold per character to keep offsets.
  const chars = [...text];
  const folded = chars.map((c) => fold(c) || c);
  const flat = folded.join("");
  const owner: number[] = [];
  folded.forEach((f, i) => { for (let k = 0; k < f.length; k++) owner.push(i); });
  const marked = new Array<boolean>(chars.length).fill(false);
  for (const term of terms) {
    for (let at = flat.indexOf(term); at !== -1; at = flat.indexOf(term, at + term.length)) {
      for (let k = at; k < at + term.length; k++) marked[owner[k]!] = true;
    }
  }
  const pieces: Piece[] = [];
  chars.forEach((c, i) => {
    const last = pieces[pieces.length - 1];
    if (last && last.match === marked[i]) last.text += c;
    else pieces.push({ text: c, match: marked[i]! });
  });
  return pieces;
}
