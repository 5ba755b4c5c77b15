// Markdown files to knowledge documents. Each level-1 heading ("# Title") starts a document
// titled by it; deeper headings stay in the content, where the chunker cuts along them. A
// file without one is a single document titled by its front matter `title:` or its file name.
// Front matter (between --- lines at the top) may set `title`, `category` and `public`.
import type { FieldProblem } from "../knowledge-input.ts";

export interface MarkdownFile {
  name?: string;
  content: string;
}

export interface RawDoc {
  /** Where the document came from, for error messages: "guide.md" or "guide.md#2". */
  source: string;
  title: unknown;
  content: unknown;
  category?: unknown;
  isPublic?: unknown;
}

const H1 = /^#\s+(.+?)\s*#*\s*$/;

export function docsFromMarkdown(file: MarkdownFile, fileIndex: number, problems: FieldProblem[]): RawDoc[] {
  const source = file.name?.trim() || `files[${fileIndex}]`;
  const { meta, body, error } = frontMatter(file.content.replace(/\r\n?/g, "\n"));
  if (error) {
    problems.push({ path: source, message: error });
    return [];
  }
  const category = meta.category;
  const isPublic = meta.public === undefined ? undefined : meta.public === "true" ? true : meta.public === "false" ? false : meta.public;
  if (isPublic !== undefined && typeof isPublic !== "boolean") {
    problems.push({ path: `${source} front matter`, message: `public must be true or false, got "${meta.public}"` });
    return [];
  }

  const docs: RawDoc[] = [];
  let current: { title: string; lines: string[] } | undefined;
  const preamble: string[] = [];
  let inFence = false;
  for (const line of body.split("\n")) {
    if (/^(```|~~~)/.test(line.trim())) inFence = !inFence;
    const h1 = inFence ? null : H1.exec(line);
    if (h1) {
      if (current) docs.push(doc(current));
      current = { title: h1[1]!, lines: [] };
    } else if (current) current.lines.push(line);
    else preamble.push(line);
  }
  if (current) docs.push(doc(current));

  const intro = preamble.join("\n").trim();
  if (docs.length === 0) {
    const title = meta.title ?? (file.name ? file.name.replace(/\.(md|markdown|txt)$/i, "").replace(/[-_]+/g, " ").trim() : undefined);
    if (!title) {
      problems.push({ path: source, message: "no title: start the document with a '# Title' line, give it front matter 'title:', or a file name" });
      return [];
    }
    return [{ source, title, content: intro, category, isPublic }];
  }
  // Text above the first "# " heading belongs to the first document.
  if (intro) docs[0]!.content = `${intro}\n\n${docs[0]!.content as string}`.trim();
  if (meta.title && docs.length === 1) docs[0]!.title = meta.title;
  return docs.map((d, i) => ({ ...d, source: docs.length > 1 ? `${source}#${i + 1}` : source }));

  function doc(d: { title: string; lines: string[] }): RawDoc {
    return { source, title: d.title, content: d.lines.join("\n").trim(), category, isPublic };
  }
}

function frontMatter(text: string): { meta: Record<string, string>; body: string; error?: string } {
  if (!text.startsWith("---\n")) return { meta: {}, body: text };
  const end = text.indexOf("\n---", 4);
  if (end < 0) return { meta: {}, body: text, error: "front matter opened with --- is never closed" };
  const meta: Record<string, string> = {};
  for (const line of text.slice(4, end).split("\n")) {
    if (!line.trim() || line.trim().startsWith("#")) continue;
    const m = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!m) return { meta, body: text, error: `front matter line "${line.trim()}" is not "key: value"` };
    meta[m[1]!.toLowerCase()] = m[2]!.trim().replace(/^(["'])(.*)\1$/, "$2");
  }
  return { meta, body: text.slice(end + 4).replace(/^[^\n]*\n?/, "") };
}
