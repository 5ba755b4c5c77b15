// Malformed requests generated from openapi.yaml's schemas: for a valid body, every required
// field missing, every field of the wrong type, huge, unicode and injection strings, unknown
// fields; for query and path parameters, wrong types and hostile strings.
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = Record<string, any>;

/** Tried in every string field at once, and (the first three) in each string field alone. */
export const HOSTILE_STRINGS = [
  "\u0000nul",
  "' OR '1'='1' --",
  "𝓗é𝔩𝔩ø 🙂 \u202e evil \u200b 中文 العربية",
  "\"; DROP TABLE \"CallLog\"; --",
  "<script>alert(document.cookie)</script>",
  "${7*7}{{7*7}}#{7*7}",
  "../../../../etc/passwd",
  "%00%27%22",
  "\\u0000",
];

/** Valid JSON, not Unicode: each must be refused with a 400, wherever it is sent. */
export const LONE_SURROGATES = ["\ud800", "a\udc00b", "\udfff\ud800"];
/** JSON.parse and Number() read these as Infinity: each must be refused with a 400. */
export const INFINITE_NUMBERS = ["1e309", "-1e309", "Infinity"];

export function resolve(schema: Schema | undefined, doc: Schema): Schema {
  if (!schema) return {};
  if (schema.$ref) {
    const path = (schema.$ref as string).replace(/^#\//, "").split("/");
    return resolve(path.reduce((o: any, k) => o[k], doc), doc);
  }
  if (schema.allOf) {
    const parts = (schema.allOf as Schema[]).map((s) => resolve(s, doc));
    return {
      type: "object",
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
      required: parts.flatMap((p) => p.required ?? []),
      additionalProperties: parts.every((p) => p.additionalProperties !== false) ? undefined : false,
    };
  }
  return schema;
}

function typesOf(schema: Schema, doc: Schema): string[] {
  const s = resolve(schema, doc);
  if (s.oneOf) return (s.oneOf as Schema[]).flatMap((x) => typesOf(x, doc));
  if (Array.isArray(s.type)) return s.type;
  if (s.type) return [s.type];
  if (s.enum) return [...new Set((s.enum as unknown[]).map((v) => (v === null ? "null" : typeof v)))];
  return [];
}

/** A value of a type the schema does not allow. */
function wrongTypeFor(schema: Schema, doc: Schema): Json {
  const types = typesOf(schema, doc);
  if (!types.includes("integer") && !types.includes("number")) return 12345;
  if (!types.includes("string")) return "not-a-number";
  if (!types.includes("object")) return { unexpected: true };
  return [1, 2, 3];
}

export interface Mutation {
  name: string;
  body?: Json;
  raw?: string;
  contentType?: string;
  /** The answer must be exactly this (structural errors); otherwise anything but a 5xx. */
  expect?: number;
  /** And its problem code this. */
  code?: string;
}

export function bodyMutations(schema: Schema, valid: Record<string, Json>, doc: Schema): Mutation[] {
  const s = resolve(schema, doc);
  const props: Record<string, Schema> = s.properties ?? {};
  const required: string[] = s.required ?? [];
  const out: Mutation[] = [
    { name: "a JSON array instead of an object", body: [valid], expect: 400 },
    { name: "a bare string", body: "hello", expect: 400 },
    { name: "null", raw: "null", expect: 400 },
    { name: "broken JSON", raw: '{"unterminated": ', expect: 400 },
    { name: "a form body", raw: "a=1&b=2", contentType: "application/x-www-form-urlencoded" },
    { name: "text/plain", raw: JSON.stringify(valid), contentType: "text/plain" },
    { name: "an unknown field", body: { ...valid, isAdmin: true, __proto__x: 1 }, expect: s.additionalProperties === false ? 400 : undefined },
    { name: "deeply nested junk", body: { ...valid, nested: JSON.parse("[".repeat(200) + "]".repeat(200)) as Json } },
    { name: "a body over the 1 MB limit", body: { ...valid, padding: "p".repeat(1_100_000) }, expect: s.properties?.data ? undefined : 413 },
  ];
  if (required.length) out.push({ name: "an empty object", body: {}, expect: 400 });
  out.push({ name: "a field named by a lone surrogate", body: { ...valid, "\ud800": "x" }, expect: 400, code: "validation_failed" });
  out.push({ name: "lone surrogates in every string field, and an infinite number", raw: JSON.stringify({ ...valid, ...Object.fromEntries(Object.keys(props).map((n) => [n, "\udc00"])), zz: 0 }).replace(`"zz":0`, `"zz":1e309`), expect: 400, code: "validation_failed" });
  for (const name of required) {
    const { [name]: _, ...rest } = valid;
    out.push({ name: `missing required ${name}`, body: rest, expect: 400 });
  }
  const stringFields = Object.entries(props).filter(([, ps]) => {
    const p = resolve(ps, doc);
    return typesOf(ps, doc).includes("string") && !p.enum && !p.format?.startsWith("date");
  });
  if (stringFields.length) {
    for (const [i, hostile] of HOSTILE_STRINGS.entries()) {
      out.push({ name: `every string field hostile #${i}`, body: { ...valid, ...Object.fromEntries(stringFields.map(([n]) => [n, hostile])) } });
    }
  }
  for (const [name, propSchema] of Object.entries(props)) {
    const p = resolve(propSchema, doc);
    out.push({ name: `${name} of the wrong type`, body: { ...valid, [name]: wrongTypeFor(propSchema, doc) }, expect: 400 });
    const types = typesOf(propSchema, doc);
    if (types.includes("string") && !p.enum && !p.format?.startsWith("date")) {
      if (typeof p.maxLength === "number") out.push({ name: `${name} one past its maxLength`, body: { ...valid, [name]: "x".repeat(p.maxLength + 1) }, expect: 400 });
      else out.push({ name: `${name} huge (200k chars)`, body: { ...valid, [name]: "x".repeat(200_000) } });
      for (const [i, hostile] of HOSTILE_STRINGS.slice(0, 3).entries()) out.push({ name: `${name} hostile string #${i}`, body: { ...valid, [name]: hostile } });
    }
    if (types.includes("string")) {
      for (const lone of LONE_SURROGATES) out.push({ name: `${name} with a lone surrogate ${JSON.stringify(lone)}`, body: { ...valid, [name]: lone }, expect: 400, code: "validation_failed" });
    }
    for (const n of INFINITE_NUMBERS.slice(0, 2)) {
      out.push({ name: `${name} = ${n} (raw JSON)`, raw: JSON.stringify({ ...valid, [name]: 0 }).replace(`"${name}":0`, `"${name}":${n}`), expect: 400, code: "validation_failed" });
    }
    if (types.includes("array")) {
      out.push({ name: `${name} with 2,000 items`, body: { ...valid, [name]: Array.from({ length: 2_000 }, (_, i) => `item-${i}`) } });
    }
    if (types.includes("integer") || types.includes("number")) {
      for (const n of [-1, 1e308, 2 ** 53 + 1, 0.5]) out.push({ name: `${name} = ${n}`, body: { ...valid, [name]: n } });
    }
  }
  return out;
}

export function queryMutations(params: Schema[], doc: Schema): { name: string; query: string; expect?: number; code?: string }[] {
  const out: { name: string; query: string; expect?: number; code?: string }[] = [{ name: "an unknown query parameter", query: "definitely_unknown=1", expect: 400 }];
  for (const raw of params) {
    const p = resolve(raw, doc);
    if (p.in !== "query") continue;
    const types = typesOf(p.schema ?? {}, doc);
    const enc = encodeURIComponent;
    if (types.includes("integer") || types.includes("number")) {
      out.push({ name: `${p.name} not a number`, query: `${p.name}=abc`, expect: 400 });
      out.push({ name: `${p.name} out of range`, query: `${p.name}=99999999999999999999`, expect: 400 });
      out.push({ name: `${p.name} negative`, query: `${p.name}=-5`, expect: 400 });
      for (const n of INFINITE_NUMBERS) out.push({ name: `${p.name}=${n}`, query: `${p.name}=${n}`, expect: 400, code: "validation_failed" });
    } else {
      for (const h of HOSTILE_STRINGS.slice(0, 3)) out.push({ name: `${p.name} hostile ${JSON.stringify(h).slice(0, 20)}`, query: `${p.name}=${enc(h)}` });
      out.push({ name: `${p.name} huge`, query: `${p.name}=${"y".repeat(5000)}` });
      // A lone surrogate cannot be percent-encoded in UTF-8; its CESU bytes are the closest a client gets.
      out.push({ name: `${p.name} an encoded lone surrogate`, query: `${p.name}=%ED%A0%80` });
      out.push({ name: `${p.name} repeated`, query: `${p.name}=a&${p.name}=b` });
    }
  }
  return out;
}

export const HOSTILE_IDS = ["%E0%A4%A", "%ED%A0%80", "%", "' OR 1=1 --", "%00", "..%2F..%2Fetc", "%F0%9F%99%82", "x".repeat(300), "call_%27%3B%20DROP"];
