// A reply body that is JSON text already (the calls page, built by PostgreSQL): the sender
// writes it as it is instead of stringifying an object. Typed as the operation's body, so a
// handler states which schema the text is of.
export class JsonText {
  constructor(readonly text: string) {}
  /** Anything that stringifies it anyway (a stored idempotent reply) gets the same JSON. */
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** `text` as a reply body of type T; the text must be what JSON.stringify would write of one. */
export function jsonText<T>(text: string): T {
  return new JsonText(text) as unknown as T;
}
