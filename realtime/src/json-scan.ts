// Reading the few fields the relay needs out of a raw JSON frame with byte searches instead
// of a JSON.parse: Twilio's media and mark frames and the model's audio deltas are nearly all
// the traffic. Anything unusual (an escape inside the value) is left to JSON.parse.
//
// What is cheap here: finding a single byte (Buffer#indexOf with a number) and comparing a
// few dozen bytes in JS. What is not: searching for a multi-byte key (Buffer#indexOf with a
// Buffer costs ten times a byte search). So a Field remembers where its key was in the last
// frame — one sender's frames keep their layout — and checks that spot first.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Where the JSON string whose contents begin at `start` ends (its closing quote), or -1 when
 * it holds an escape or does not end.
 */
export function plainStringEnd(data: Buffer, start: number): number {
  const end = data.indexOf(QUOTE, start);
  if (end === -1) return -1;
  const back = data.indexOf(BACKSLASH, start);
  return back !== -1 && back < end ? -1 : end;
}

/** `data` begins with `head`. */
export function startsWith(data: Buffer, head: Buffer): boolean {
  return data.length > head.length && sameBytes(data, 0, head);
}

/** `bytes` are in `data` at `at`. */
function sameBytes(data: Buffer, at: number, bytes: Buffer): boolean {
  if (at < 0 || at + bytes.length > data.length) return false;
  for (let i = 0; i < bytes.length; i++) if (data[at + i] !== bytes[i]) return false;
  return true;
}

/** One string-valued member of the frames from one sender (`key` ends with the value's opening quote). */
export class Field {
  private lastAt = -1;
  private lastBytes: Buffer | undefined;
  private lastText = "";

  constructor(private readonly key: Buffer) {}

  /** Where the value starts, or -1 without the key. */
  private valueStart(data: Buffer): number {
    if (sameBytes(data, this.lastAt, this.key)) return this.lastAt + this.key.length;
    const at = data.indexOf(this.key);
    if (at === -1) return -1;
    this.lastAt = at;
    return at + this.key.length;
  }

  /** The value as a view of `data`'s bytes (no copy), or undefined. */
  bytes(data: Buffer): Buffer | undefined {
    const start = this.valueStart(data);
    if (start === -1) return undefined;
    const end = plainStringEnd(data, start);
    return end === -1 ? undefined : data.subarray(start, end);
  }

  /** The value as a string, or undefined. */
  string(data: Buffer): string | undefined {
    const start = this.valueStart(data);
    if (start === -1) return undefined;
    const end = plainStringEnd(data, start);
    return end === -1 ? undefined : data.toString("latin1", start, end);
  }

  /**
   * string() for a value that rarely changes from frame to frame (the response and item ids
   * on every audio delta): while its bytes match the last value, the last string is returned
   * as it is — no new string per frame, and map lookups keep its cached hash.
   */
  recurring(data: Buffer): string | undefined {
    const start = this.valueStart(data);
    if (start === -1) return undefined;
    const last = this.lastBytes;
    if (last !== undefined && data[start + last.length] === QUOTE && sameBytes(data, start, last)) return this.lastText;
    const end = plainStringEnd(data, start);
    if (end === -1) return undefined;
    this.lastText = data.toString("latin1", start, end);
    this.lastBytes = Buffer.from(data.subarray(start, end));
    return this.lastText;
  }
}
