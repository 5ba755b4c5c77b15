// Bulk import: many documents in one request, as a JSON array, Markdown files or a CSV of
// question/answer pairs. Everything is checked before anything is written; a bad input is
// answered with validation_failed naming each problem by document, file or CSV line.
import { AppError } from "../errors.ts";
import { KNOWLEDGE_LIMITS, KnowledgeDocSchema, problemsOf, validationError, type FieldProblem, type KnowledgeDoc } from "./knowledge-input.ts";
import { parseCsv } from "./import/csv.ts";
import { docsFromMarkdown, type MarkdownFile, type RawDoc } from "./import/markdown-import.ts";

export const IMPORT_FORMATS = ["json", "markdown", "csv"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * `body` is the request body: for json a string or the parsed value (an array of documents,
 * or { documents: [...] }); for markdown one file's text or an array of { name, content }
 * (or { files: [...] }); for csv the text, with a header row naming question and answer
 * (optional category and public columns).
 */
export function parseKnowledgeImport(format: ImportFormat, body: unknown): KnowledgeDoc[] {
  const problems: FieldProblem[] = [];
  let raw: RawDoc[];
  switch (format) {
    case "json":
      raw = fromJson(body, problems);
      break;
    case "markdown":
      raw = fromMarkdown(body, problems);
      break;
    case "csv":
      raw = fromCsv(body, problems);
      break;
    default:
      throw validationError([{ path: "format", message: `must be one of ${IMPORT_FORMATS.join(", ")}` }]);
  }
  if (raw.length === 0 && problems.length === 0) throw validationError([{ path: "body", message: "holds no documents" }]);
  if (raw.length > KNOWLEDGE_LIMITS.documentsPerImport) {
    throw validationError([
      { path: "body", message: `holds ${raw.length} documents; at most ${KNOWLEDGE_LIMITS.documentsPerImport} per import (split it)` },
    ]);
  }
  const docs: KnowledgeDoc[] = [];
  for (const { source, ...fields } of raw) {
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    const parsed = KnowledgeDocSchema.safeParse(defined);
    if (parsed.success) docs.push(parsed.data);
    else problems.push(...problemsOf(parsed.error, source).map((p) => (format === "csv" ? { ...p, path: csvColumnNames(p.path) } : p)));
  }
  if (problems.length) throw validationError(inDocumentOrder(problems));
  return docs;
}

/** Problems found while reading and while checking fields, back in document/line order. */
function inDocumentOrder(problems: FieldProblem[]): FieldProblem[] {
  const position = (p: FieldProblem) => Number(/\d+/.exec(p.path)?.[0] ?? Number.MAX_SAFE_INTEGER);
  return problems.map((p, i) => ({ p, i })).sort((a, b) => position(a.p) - position(b.p) || a.i - b.i).map(({ p }) => p);
}

function fromJson(body: unknown, problems: FieldProblem[]): RawDoc[] {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch (err) {
      throw validationError([{ path: "body", message: `is not valid JSON (${(err as Error).message})` }]);
    }
  }
  if (value && typeof value === "object" && !Array.isArray(value) && "documents" in value) value = (value as { documents: unknown }).documents;
  if (!Array.isArray(value)) {
    throw validationError([{ path: "body", message: 'must be a JSON array of documents, or {"documents": [...]}' }]);
  }
  return value.flatMap((item, i): RawDoc[] => {
    const source = `documents[${i}]`;
    if (!item || typeof item !== "object" || Array.isArray(item)) {
      problems.push({ path: source, message: "must be an object with title and content" });
      return [];
    }
    return [{ ...(item as Record<string, unknown>), source } as RawDoc];
  });
}

function fromMarkdown(body: unknown, problems: FieldProblem[]): RawDoc[] {
  let files: unknown = body;
  if (typeof body === "string") files = [{ content: body }];
  else if (body && typeof body === "object" && !Array.isArray(body) && "files" in body) files = (body as { files: unknown }).files;
  if (!Array.isArray(files)) {
    throw validationError([{ path: "body", message: "must be Markdown text, or an array of { name, content } files" }]);
  }
  return files.flatMap((file, i) => {
    if (!file || typeof file !== "object" || typeof (file as MarkdownFile).content !== "string") {
      problems.push({ path: `files[${i}]`, message: "must be an object with a string content (and an optional name)" });
      return [];
    }
    const name = (file as MarkdownFile).name;
    if (name !== undefined && typeof name !== "string") {
      problems.push({ path: `files[${i}].name`, message: "must be a string" });
      return [];
    }
    return docsFromMarkdown(file as MarkdownFile, i, problems);
  });
}

const CSV_COLUMNS: Record<string, "title" | "content" | "category" | "isPublic"> = {
  question: "title",
  answer: "content",
  category: "category",
  public: "isPublic",
  ispublic: "isPublic",
};

/** CSV users know the columns, not our field names. */
function csvColumnNames(path: string): string {
  return path.replace(/\.title$/, ".question").replace(/\.content$/, ".answer");
}

function fromCsv(body: unknown, problems: FieldProblem[]): RawDoc[] {
  if (typeof body !== "string") throw validationError([{ path: "body", message: "must be CSV text" }]);
  const [header, ...rows] = parseCsv(body);
  if (!header) return [];
  const columns = header.fields.map((name) => CSV_COLUMNS[name.trim().toLowerCase().replace(/[\s_-]/g, "")]);
  const unknown = header.fields.filter((_, i) => !columns[i]);
  if (unknown.length || !columns.includes("title") || !columns.includes("content")) {
    throw new AppError("validation_failed", {
      userMessage: `CSV line 1: the header must name the columns question and answer (and optionally category, public)${
        unknown.length ? `; unknown: ${unknown.map((u) => `"${u}"`).join(", ")}` : ""
      }`,
      errors: [{ path: "line 1", message: "header must name question and answer (optional: category, public)" }],
    });
  }
  return rows.flatMap((row): RawDoc[] => {
    const source = `line ${row.line}`;
    if (row.fields.length !== columns.length) {
      problems.push({ path: source, message: `has ${row.fields.length} fields, the header has ${columns.length}` });
      return [];
    }
    const doc: RawDoc = { source, title: undefined, content: undefined };
    row.fields.forEach((value, i) => {
      const column = columns[i]!;
      if (column === "isPublic") {
        const v = value.trim().toLowerCase();
        if (v === "") return;
        if (["true", "yes", "1"].includes(v)) doc.isPublic = true;
        else if (["false", "no", "0"].includes(v)) doc.isPublic = false;
        else problems.push({ path: `${source}.public`, message: `must be true/false (or yes/no, 1/0), got "${value}"` });
      } else doc[column] = value;
    });
    return [doc];
  });
}
