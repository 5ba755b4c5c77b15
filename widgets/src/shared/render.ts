// Builds a knowledge answer's elements from its Markdown tree (markdown.ts) with the DOM API:
// text only ever becomes Text nodes, so nothing in a document can inject markup or script.
// The search's words are wrapped in <mark>. (Plain DOM rather than a Svelte template: the
// nested blocks a recursive template needs cost more of the script than this whole file.)
import { highlight } from "./highlight.ts";
import { parseMarkdown, type Inline } from "./markdown.ts";

type Kid = Node | string;

function h(tag: string, kids: Kid[]): HTMLElement {
  const el = document.createElement(tag);
  el.append(...kids);
  return el;
}

/** `text` with the search's words wrapped in <mark>. */
export const marked = (text: string, terms: readonly string[]): Kid[] => highlight(text, terms).map((p) => (p.match ? h("mark", [p.text]) : p.text));

function inlines(nodes: Inline[], terms: readonly string[]): Kid[] {
  return nodes.flatMap((n): Kid[] => {
    if (n.kind === "text") return marked(n.text, terms);
    if (n.kind === "code") return [h("code", [n.text])];
    const el = h(n.kind === "link" ? "a" : n.kind, inlines(n.children, terms));
    if (n.kind === "link") Object.assign(el, { href: n.href, target: "_blank", rel: "noopener noreferrer" });
    return [el];
  });
}

/** An answer's Markdown as elements: paragraphs, h4/h5 headings, lists. */
export function markdown(src: string, terms: readonly string[]): Kid[] {
  return parseMarkdown(src).map((b) =>
    b.kind === "p" ? h("p", inlines(b.children, terms))
    : b.kind === "h" ? h(b.level === 3 ? "h4" : "h5", inlines(b.children, terms))
    : h(b.kind, b.items.map((item) => h("li", inlines(item, terms)))),
  );
}
