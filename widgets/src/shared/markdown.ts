// A small, safe Markdown reader for knowledge answers: it builds a tree that the widgets
// render as elements, never as HTML, so nothing in a document can inject markup or script.
// Paragraphs, headings, bullet and numbered lists, **bold**, *italic*, `code` and links;
// a link keeps only http(s), mailto: and tel: targets (anything else stays plain text).

export type Inline =
  | { kind: "text"; text: string }
  | { kind: "strong" | "em"; children: Inline[] }
  | { kind: "code"; text: string }
  | { kind: "link"; href: string; children: Inline[] };

export type Block =
  | { kind: "p"; children: Inline[] }
  | { kind: "h"; level: 3 | 4; children: Inline[] }
  | { kind: "ul" | "ol"; items: Inline[][] };

const SAFE_HREF = /^(https?:\/\/|mailto:|tel:)/i;

export function safeHref(href: string): string | null {
  const trimmed = href.trim();
  return SAFE_HREF.test(trimmed) && !/[\s<>"']/.test(trimmed) ? trimmed : null;
}

/** Inline syntax of one line or paragraph. */
export function parseInline(src: string): Inline[] {
  const out: Inline[] = [];
  let text = "";
  const flush = () => {
    if (text) out.push({ kind: "text", text });
    text = "";
  };
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^`([^`]+)`/.exec(rest))) {
      flush();
      out.push({ kind: "code", text: m[1]! });
    } else if ((m = /^\*\*([^*]+(?:\*(?!\*)[^*]*)*)\*\*/.exec(rest)) || (m = /^__([^_]+)__/.exec(rest))) {
      flush();
      out.push({ kind: "strong", children: parseInline(m[1]!) });
    } else if ((m = /^\*([^*\s][^*]*)\*/.exec(rest)) || (m = /^_([^_\s][^_]*)_(?![A-Za-z0-9])/.exec(rest))) {
      flush();
      out.push({ kind: "em", children: parseInline(m[1]!) });
    } else if ((m = /^\[([^\]]+)\]\(([^()\s]+)\)/.exec(rest))) {
      const href = safeHref(m[2]!);
      flush();
      if (href) out.push({ kind: "link", href, children: parseInline(m[1]!) });
      else out.push(...parseInline(m[1]!));
    } else if ((m = /^(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/.exec(rest)) && (i === 0 || /\s|\(/.test(src[i - 1]!))) {
      flush();
      out.push({ kind: "link", href: m[1]!, children: [{ kind: "text", text: m[1]! }] });
    } else {
      text += src[i];
      i += 1;
      continue;
    }
    i += m[0].length;
  }
  flush();
  return out;
}

const LIST_ITEM = /^\s*([-*+]|\d{1,3}[.)])\s+(.*)$/;

export function parseMarkdown(src: string): Block[] {
  const blocks: Block[] = [];
  const lines = src.replace(/\r\n?/g, "\n").split("\n");
  let para: string[] = [];
  const endPara = () => {
    if (para.length) blocks.push({ kind: "p", children: parseInline(para.join(" ")) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) {
      endPara();
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      endPara();
      blocks.push({ kind: "h", level: heading[1]!.length <= 2 ? 3 : 4, children: parseInline(heading[2]!) });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      endPara();
      const kind = /\d/.test(item[1]!) ? "ol" : "ul";
      const items: Inline[][] = [];
      let j = i;
      for (; j < lines.length; j++) {
        const m = LIST_ITEM.exec(lines[j]!);
        if (m && (/\d/.test(m[1]!) ? "ol" : "ul") === kind) items.push(parseInline(m[2]!));
        else if (m || !lines[j]!.trim() || !/^\s+/.test(lines[j]!)) break;
        else items[items.length - 1] = [...items[items.length - 1]!, { kind: "text", text: " " }, ...parseInline(lines[j]!.trim())];
      }
      blocks.push({ kind, items });
      i = j - 1;
      continue;
    }
    para.push(line.trim());
  }
  endPara();
  return blocks;
}
