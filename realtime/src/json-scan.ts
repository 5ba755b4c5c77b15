// Reading the few fields the relay needs out of a raw JSON frame with byte searches instead
// of a JSON.parse: Twilio's media and mark frames and the model's audio deltas are nearly all
// the traffic. Anything unusual (an escape inside the value) is left to JSON.parse.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The string value after `key` (which ends with its opening quote), or undefined. */
export function stringAt(data: Buffer, key: Buffer, from = 0): string | undefined {
  const at = data.indexOf(key, from);
  if (at === -1) return undefined;
  const start = at + key.length;
  const end = data.indexOf(QUOTE, start);
  if (end === -1) return undefined;
  const back = data.indexOf(BACKSLASH, start);
  if (back !== -1 && back < end) return undefined; // an escape: leave it to JSON.parse
  return data.toString("latin1", start, end);
}

/** The string value after `key` as a view of `data`'s bytes (no copy), or undefined. */
export function bytesAt(data: Buffer, key: Buffer, from = 0): Buffer | undefined {
  const at = data.indexOf(key, from);
  if (at === -1) return undefined;
  const start = at + key.length;
  const end = data.indexOf(QUOTE, start);
  if (end === -1) return undefined;
  const back = data.indexOf(BACKSLASH, start);
  if (back !== -1 && back < end) return undefined;
  return data.subarray(start, end);
}

/** `data` begins with `head`, compared in place. */
export function startsWith(data: Buffer, head: Buffer): boolean {
  return data.length > head.length && data.compare(head, 0, head.length, 0, head.length) === 0;
}
