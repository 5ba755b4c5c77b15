// Column values as PostgreSQL writes them in text (what node-postgres hands over before its
// type parsers run), read the way the read pool's parsers read them, except that timestamps
// become the ISO text the API shows without a Date in between: the calls list presents its
// rows from this text (routes/present.ts presentCallText), the same JSON as presenting the
// typed rows, for less work on the API's hottest read.
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

/** An int4/int2 column, as node-postgres reads it. */
export const intFromText = (v: Text): number | null => (v == null ? null : +v);
/** A float8 column, as node-postgres reads it (NaN, Infinity, -0 included). */
export const floatFromText = (v: Text): number | null => (v == null ? null : parseFloat(v));
/** A timestamp column, as the ISO text presenters write of the Date the read pool reads. */
export const isoFromText = (v: Text): string | null => (v == null ? null : isoFromTimestampText(v));
/** A text[] column, by node-postgres's own array parser. */
export const textArrayFromText = (v: Text): (string | null)[] | null => (v == null ? null : v === "{}" ? [] : parseTextArray(v));
