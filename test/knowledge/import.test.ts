import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "@frontdesk/core/errors";
import { createKnowledgeService, parseKnowledgeImport, type ImportFormat } from "@frontdesk/core/knowledge/knowledge-service";
import { testDb } from "../support/services.ts";
import { createTestBusiness } from "../support/fixtures.ts";
import { knowledgeDeps, runKnowledgeJobs } from "./support.ts";

const db = testDb();
afterAll(async () => {
  await db.$disconnect();
});

function problem(format: ImportFormat, body: unknown): AppError {
  try {
    parseKnowledgeImport(format, body);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("validation_failed");
    return err as AppError;
  }
  throw new Error("expected a validation error");
}

describe("bulk import: JSON", () => {
  it("reads an array of documents, as text or already parsed, or wrapped in {documents}", () => {
    const docs = [{ title: "Hours", content: "9 to 5", category: "visit", isPublic: true }, { title: "Parking", content: "Behind" }];
    const expected = [{ title: "Hours", content: "9 to 5", category: "visit", isPublic: true }, { title: "Parking", content: "Behind" }];
    expect(parseKnowledgeImport("json", JSON.stringify(docs))).toEqual(expected);
    expect(parseKnowledgeImport("json", docs)).toEqual(expected);
    expect(parseKnowledgeImport("json", { documents: docs })).toEqual(expected);
  });

  it("names every bad document and field, and what is wrong with it", () => {
    const err = problem("json", [{ title: "ok", content: "ok" }, { title: "", content: "x" }, { content: "x" }, { title: "t", content: "c", body: "?" }, "nope", { title: "t", content: "c", isPublic: "yes" }]);
    expect(err.errors).toEqual([
      { path: "documents[1].title", message: "must not be empty" },
      { path: "documents[2].title", message: "is required" },
      { path: "documents[3]", message: 'unknown field "body"' },
      { path: "documents[4]", message: "must be an object with title and content" },
      { path: "documents[5].isPublic", message: "must be a boolean" },
    ]);
    expect(problem("json", "[{oops").userMessage).toMatch(/^body: is not valid JSON/);
    expect(problem("json", { title: "x" }).userMessage).toBe('body: must be a JSON array of documents, or {"documents": [...]}');
    expect(problem("json", []).userMessage).toBe("body: holds no documents");
  });

  it("refuses more than 500 documents in one import", () => {
    const many = Array.from({ length: 501 }, (_, i) => ({ title: `t${i}`, content: "c" }));
    expect(problem("json", many).userMessage).toMatch(/501 documents; at most 500 per import/);
  });
});

describe("bulk import: Markdown", () => {
  it("makes one document per '# ' heading, keeping deeper headings in the content", () => {
    const md = "# Opening hours\n\nWe open at 9.\n\n## Holidays\n\nClosed on Christmas.\n\n# Parking\n\nBehind the building.\n";
    expect(parseKnowledgeImport("markdown", md)).toEqual([
      { title: "Opening hours", content: "We open at 9.\n\n## Holidays\n\nClosed on Christmas." },
      { title: "Parking", content: "Behind the building." },
    ]);
  });

  it("takes title, category and public from front matter, or the title from the file name", () => {
    const files = [
      { name: "faq.md", content: "---\ntitle: Frequently asked\ncategory: faq\npublic: true\n---\nDo you deliver? Yes." },
      { name: "return-policy.md", content: "Returns within 30 days." },
    ];
    expect(parseKnowledgeImport("markdown", { files })).toEqual([
      { title: "Frequently asked", content: "Do you deliver? Yes.", category: "faq", isPublic: true },
      { title: "return policy", content: "Returns within 30 days." },
    ]);
  });

  it("says which file is wrong and why", () => {
    expect(problem("markdown", [{ content: "No title anywhere." }]).errors).toEqual([
      { path: "files[0]", message: "no title: start the document with a '# Title' line, give it front matter 'title:', or a file name" },
    ]);
    expect(problem("markdown", [{ name: "a.md", content: "---\npublic: maybe\n---\n# A\n\ntext" }]).errors).toEqual([
      { path: "a.md front matter", message: 'public must be true or false, got "maybe"' },
    ]);
    expect(problem("markdown", [{ name: "b.md", content: "# Empty\n\n# Full\n\ntext" }]).errors).toEqual([{ path: "b.md#1.content", message: "must not be empty" }]);
    expect(problem("markdown", 42).userMessage).toBe("body: must be Markdown text, or an array of { name, content } files");
  });
});

describe("bulk import: CSV of questions and answers", () => {
  it("reads question/answer rows (quoted commas, quotes and line breaks, CRLF, BOM) with optional category and public", () => {
    const csv = '\uFEFFQuestion,Answer,Category,Public\r\n"Do you deliver, and where?","Yes, within 5 miles.\nCall ahead.",delivery,yes\r\n"What is a ""cronut""?",A croissant-donut,,\r\n\r\n';
    expect(parseKnowledgeImport("csv", csv)).toEqual([
      { title: "Do you deliver, and where?", content: "Yes, within 5 miles.\nCall ahead.", category: "delivery", isPublic: true },
      { title: 'What is a "cronut"?', content: "A croissant-donut", category: null },
    ]);
  });

  it("names the line and the column that is wrong", () => {
    expect(problem("csv", 'question,answer\nWhat is a "cronut"?,x').userMessage).toBe(
      "CSV line 2: a quote inside an unquoted field (quote the whole field and double the quote)",
    );
    expect(problem("csv", "question,reply\nq,a").userMessage).toBe(
      'CSV line 1: the header must name the columns question and answer (and optionally category, public); unknown: "reply"',
    );
    expect(problem("csv", "question,answer\nq1,a1\nq2\nq3,").errors).toEqual([
      { path: "line 3", message: "has 1 fields, the header has 2" },
      { path: "line 4.answer", message: "must not be empty" },
    ]);
    expect(problem("csv", 'question,answer\n"never closed,a').userMessage).toBe("CSV line 2: a quoted field is never closed");
    expect(problem("csv", "question,answer,public\nq,a,perhaps").errors).toEqual([{ path: "line 2.public", message: 'must be true/false (or yes/no, 1/0), got "perhaps"' }]);
  });
});

describe("bulk import into a business", () => {
  it("imports a CSV in one request: every row becomes a document that search finds", async () => {
    const deps = knowledgeDeps({ db });
    const service = createKnowledgeService(deps);
    const { business } = await createTestBusiness(db);
    const rows = Array.from({ length: 40 }, (_, i) => `"What is special about item ${i}?","Item ${i} comes with a code K${7000 + i}."`);
    const docs = parseKnowledgeImport("csv", ["question,answer", ...rows].join("\n"));
    const { imported } = await service.importContents(business.id, docs);
    expect(imported).toBe(40);
    await runKnowledgeJobs(deps, business.id);
    expect((await service.search({ businessId: business.id, query: "K7033" }))[0]?.title).toBe("What is special about item 33?");
  });
});
