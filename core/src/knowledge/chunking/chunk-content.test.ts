import { describe, expect, it } from "vitest";
import { chunkContent } from "./chunk-content.ts";
import { countTokens } from "./tokens.ts";

const sentence = (topic: string, i: number) => `The ${topic} note number ${i} explains one more detail about ${topic} for callers.`;
const paragraph = (topic: string, from: number, n: number) => Array.from({ length: n }, (_, i) => sentence(topic, from + i)).join(" ");
const words = (text: string) => new Set(text.toLowerCase().match(/[a-z0-9]+/g));

describe("chunking", () => {
  it("a short document is one chunk: its title, then its text", () => {
    expect(chunkContent({ title: "Parking", content: "Park behind the building." })).toEqual([
      { position: 0, text: "Parking\n\nPark behind the building.", tokenCount: countTokens("Parking\n\nPark behind the building.") },
    ]);
  });

  it("a long document becomes chunks of 300-500 tokens (the last may be shorter), each opening with the title", () => {
    const content = Array.from({ length: 12 }, (_, p) => paragraph(`topic${p}`, p * 10, 8)).join("\n\n");
    const chunks = chunkContent({ title: "Service guide", content });
    expect(chunks.length).toBeGreaterThan(3);
    chunks.forEach((c, i) => {
      expect(c.position).toBe(i);
      expect(c.text.startsWith("Service guide\n\n")).toBe(true);
      expect(c.tokenCount).toBe(countTokens(c.text));
      expect(c.tokenCount).toBeLessThanOrEqual(500);
      if (i < chunks.length - 1) expect(c.tokenCount).toBeGreaterThanOrEqual(300);
    });
  });

  it("no word of the document is lost between chunks", () => {
    const content = Array.from({ length: 6 }, (_, p) => `## Part ${p}\n\n${paragraph(`word${p}`, 0, 20)}`).join("\n\n");
    const chunks = chunkContent({ title: "T", content });
    const seen = new Set(chunks.flatMap((c) => [...words(c.text)]));
    for (const w of words(content)) expect(seen.has(w), w).toBe(true);
  });

  it("cuts at a heading once a chunk is big enough, and a heading never ends a chunk", () => {
    const content = ["## Cleaning", paragraph("cleaning", 0, 20), "## Whitening", paragraph("whitening", 0, 20), "## Braces", paragraph("braces", 0, 20)].join("\n\n");
    const chunks = chunkContent({ title: "Dental services", content });
    expect(chunks.map((c) => c.text.split("\n\n")[1])).toEqual(["## Cleaning", "## Whitening", "## Braces"]);
    for (const c of chunks) expect(c.text.trimEnd()).not.toMatch(/#+ [^\n]*$/);
  });

  it("inside a section, consecutive chunks overlap by a sentence or two, and the later one names the section", () => {
    const content = `# Services\n\n## Cleaning\n\n${paragraph("cleaning", 0, 45)}`;
    const [first, second] = chunkContent({ title: "Dental services", content });
    expect(second!.text.startsWith("Dental services\n\nServices > Cleaning\n\n")).toBe(true);
    const lastOfFirst = first!.text.split(/(?<=\.) /).at(-1)!;
    expect(second!.text).toContain(lastOfFirst);
    const overlap = second!.text.split("\n\n")[2]!.split(lastOfFirst)[0]! + lastOfFirst;
    expect(countTokens(overlap)).toBeLessThanOrEqual(50);
  });

  it("across a heading there is no overlap", () => {
    const content = `## A\n\n${paragraph("alpha", 0, 18)}\n\n## B\n\n${paragraph("beta", 0, 18)}`;
    const [, second] = chunkContent({ title: "T", content });
    expect(second!.text).not.toContain("alpha");
  });

  it("prefers paragraph ends to sentence ends", () => {
    const content = Array.from({ length: 5 }, (_, p) => paragraph(`para${p}`, 0, 7)).join("\n\n");
    const chunks = chunkContent({ title: "T", content });
    // Every chunk but the last ends where a paragraph ends (each paragraph's last sentence is number 6).
    for (const c of chunks.slice(0, -1)) expect(c.text.trimEnd().endsWith("note number 6 explains one more detail about " + c.text.match(/para\d/g)!.at(-1) + " for callers.")).toBe(true);
  });

  it("a sentence longer than a chunk is cut at word boundaries, and a giant word inside it too", () => {
    const giant = "x".repeat(5000);
    const content = `${Array.from({ length: 900 }, (_, i) => `w${i}`).join(" ")} ${giant} end.`;
    const chunks = chunkContent({ title: "Run-on", content });
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) expect(c.tokenCount).toBeLessThanOrEqual(500);
    expect(chunks.map((c) => c.text).join(" ")).toContain("w899");
    expect(chunks.map((c) => c.text.replace(/[^x]/g, "")).join("").length).toBeGreaterThanOrEqual(5000);
  });

  it("lists keep one item per line, and Windows line ends read like Unix ones", () => {
    const chunks = chunkContent({ title: "Prices", content: "Our prices:\r\n- Cleaning $80\r\n- Whitening $250\r\n" });
    expect(chunks[0]!.text).toBe("Prices\n\nOur prices:\n\n- Cleaning $80\n\n- Whitening $250");
  });
});

describe("token estimate", () => {
  it("counts short words as one token, long words and digit runs in pieces, punctuation as one each", () => {
    expect(countTokens("open at nine")).toBe(3);
    expect(countTokens("extraordinarily")).toBe(3);
    expect(countTokens("2024")).toBe(2);
    expect(countTokens("Hi, you!")).toBe(4);
    expect(countTokens("")).toBe(0);
  });
});
