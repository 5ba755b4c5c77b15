// The knowledge widget's Markdown reader and highlighter: what a visitor sees of an answer
// is built from this tree as elements, so the tree must never carry markup or unsafe links.
import { describe, expect, it } from "vitest";
import { parseMarkdown, parseInline, safeHref, type Block, type Inline } from "../../widgets/src/shared/markdown.ts";
import { highlight, queryTerms } from "../../widgets/src/shared/highlight.ts";

function links(blocks: Block[]): string[] {
  const out: string[] = [];
  const walk = (nodes: Inline[]) => {
    for (const n of nodes) {
      if (n.kind === "link") out.push(n.href);
      if ("children" in n) walk(n.children);
    }
  };
  for (const b of blocks) ("items" in b ? b.items : [b.children]).forEach(walk);
  return out;
}

describe("widget Markdown", () => {
  it("reads paragraphs, headings, lists, emphasis, code and links", () => {
    const blocks = parseMarkdown("# Prices\n\nA **check-up** costs *$120*, see `table`.\n\n- cleaning\n- whitening\n\n1. call\n2. come in\n\nMore at [our site](https://rosa.example/prices).");
    expect(blocks.map((b) => b.kind)).toEqual(["h", "p", "ul", "ol", "p"]);
    expect(blocks[1]).toEqual({
      kind: "p",
      children: [
        { kind: "text", text: "A " },
        { kind: "strong", children: [{ kind: "text", text: "check-up" }] },
        { kind: "text", text: " costs " },
        { kind: "em", children: [{ kind: "text", text: "$120" }] },
        { kind: "text", text: ", see " },
        { kind: "code", text: "table" },
        { kind: "text", text: "." },
      ],
    });
    expect(links(blocks)).toEqual(["https://rosa.example/prices"]);
  });

  it("keeps HTML as text and drops javascript:, data: and other unsafe link targets", () => {
    const blocks = parseMarkdown('<img src=x onerror=alert(1)> [a](javascript:alert(1)) [b](data:text/html,hi) [c](JaVaScRiPt:x) [d](mailto:hi@rosa.example) [e](tel:+15555550100)');
    expect(links(blocks)).toEqual(["mailto:hi@rosa.example", "tel:+15555550100"]);
    const text = JSON.stringify(blocks);
    expect(text).toContain("<img src=x onerror=alert(1)>");
    expect(safeHref(" https://ok.example/a ")).toBe("https://ok.example/a");
    expect(safeHref("https://x.example/\"onmouseover=")).toBeNull();
    expect(safeHref("//evil.example")).toBeNull();
  });

  it("turns bare web addresses into links, but not ones glued to a word", () => {
    expect(parseInline("Map: https://maps.example/rosa.")).toEqual([
      { kind: "text", text: "Map: " },
      { kind: "link", href: "https://maps.example/rosa", children: [{ kind: "text", text: "https://maps.example/rosa" }] },
      { kind: "text", text: "." },
    ]);
    expect(parseInline("xhttps://a.example").every((n) => n.kind === "text")).toBe(true);
  });
});

describe("search highlighting", () => {
  it("marks every word of the query, ignoring case and accents", () => {
    const pieces = highlight("Café parking: Parking is free", queryTerms("cafe PARKING"));
    expect(pieces.filter((p) => p.match).map((p) => p.text)).toEqual(["Café", "parking", "Parking"]);
    expect(pieces.map((p) => p.text).join("")).toBe("Café parking: Parking is free");
  });

  it("ignores one-letter words and leaves text alone without a query", () => {
    expect(queryTerms("a b cd")).toEqual(["cd"]);
    expect(highlight("anything", [])).toEqual([{ text: "anything", match: false }]);
  });
});
