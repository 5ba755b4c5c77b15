// Column values as PostgreSQL writes them in text (what node-postgres hands over before its
// type parsers run), read the way the read pool's parsers read them, or written straight
// into JSON: the calls list writes its JSON from this text (routes/present.ts callJson)
// without making Dates, numbers and arrays first, and must write the very bytes
// JSON.stringify would of the parsed values.
import pg from "pg";

/** A timestamp (without zone, UTC) as PostgreSQL writes it, read as its instant. */
export const timestampFromText = (v: string) => new Date(v.replace(" ", "T") + "Z");

// `2026-05-01 09:30:00`, `… 09:30:00.5`, `… 09:30:00.123`: PostgreSQL drops trailing zeros of
// the fraction; timestamp(3) columns have at most three digits.
const ISO_TAIL = [".000Z", "", "00Z", "0Z", "Z"];

/**
 * timestampFromText(v).toISOString() (`2026-05-01T09:30:00.500Z`) without making a Date, for
 * the usual four-digit years with up to three fraction digits; anything else (BC, year 10000,
 * more digits) takes that very path, and answers what it answers.
 */
export function isoFromTimestampText(v: string): string {
  const n = v.length;
  if (n !== 20 && n >= 19 && n <= 23 && v.charCodeAt(10) === 32 && v.charCodeAt(4) === 45 && (n === 19 || v.charCodeAt(19) === 46)) {
    return v.slice(0, 10) + "T" + v.slice(11) + ISO_TAIL[n - 19];
  }
  return timestampFromText(v).toISOString();
}

type Text = string | null | undefined;
const TEXT_ARRAY_OID = 1009;
const parseTextArray = (pg.types.getTypeParser as (oid: number, format: "text") => (v: string) => (string | null)[])(TEXT_ARRAY_OID, "text");

/** JSON of a text column (or an enum). */
export const textJson = (v: Text) => (v == null ? "null" : JSON.stringify(v));
/** JSON of an int4/int2 column: its text already is. */
export const intJson = (v: Text) => (v == null ? "null" : v);
/** JSON of a float8 column, as JSON.stringify writes the number node-postgres reads (NaN as null, -0 as 0). */
export const floatJson = (v: Text) => (v == null ? "null" : JSON.stringify(parseFloat(v)));
/** JSON of a timestamp column, as the ISO text presenters write. */
export const timestampJson = (v: Text) => (v == null ? "null" : `"${isoFromTimestampText(v)}"`);
/** JSON of a text[] column, read by node-postgres's own array parser. */
export const textArrayJson = (v: Text) => (v == null ? "null" : v === "{}" ? "[]" : JSON.stringify(parseTextArray(v)));
