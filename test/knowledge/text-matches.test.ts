// knowledge_text_matches, the SQL function full-text search gathers and counts rows with, has
// two plans: the business id matched inside the GIN index (a business that is a small part of
// the table) or after it (a business that is most of it). Both must find the same chunks, and
// only the business's own, whatever the category and public-only filters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@prisma/client";
import { queryRows } from "@frontdesk/core/db/client";
import { createTestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
const DOCS = [
  { title: "Parking", content: "Free parking behind the clinic, entrance on Elm Street.", category: "visit", isPublic: true },
  { title: "Late parking", content: "Evening parking on Elm Street is free after six.", category: "visit", isPublic: false },
  { title: "Parking fines", content: "We do not refund parking fines.", category: "billing", isPublic: true },
  { title: "Hours", content: "Open Monday to Friday.", category: "visit", isPublic: true },
];
let a: string;
let b: string;

beforeAll(async () => {
  // The same documents in both businesses: only the tenant test tells their chunks apart.
  a = (await createTestBusiness(db, { knowledge: DOCS })).business.id;
  b = (await createTestBusiness(db, { knowledge: [...DOCS, { title: "B only", content: "Parking for bicycles too." }] })).business.id;
});
afterAll(async () => {
  await db.$disconnect();
});

async function matches(businessId: string, words: string[], opts: { mostOfTable: boolean; category?: string; publicOnly?: boolean; perQuery?: number }) {
  const rows = await queryRows<{ n: number; title: string }>(db, Prisma.sql`
    SELECT m.n, c.title FROM knowledge_text_matches(${businessId}::text, ${words}::text[]::tsquery[], ${opts.perQuery ?? 100}::int, NULL::int,
                                                   ${opts.category ?? null}::text, ${opts.publicOnly ?? false}::boolean, ${opts.mostOfTable}::boolean) m
    JOIN "KnowledgeChunk" k ON k.id = m.id JOIN "RAGContent" c ON c.id = k."contentId"
    WHERE k."businessId" = ${businessId}`);
  const all = await queryRows<{ n: number }>(db, Prisma.sql`
    SELECT m.n FROM knowledge_text_matches(${businessId}::text, ${words}::text[]::tsquery[], ${opts.perQuery ?? 100}::int, NULL::int,
                                           ${opts.category ?? null}::text, ${opts.publicOnly ?? false}::boolean, ${opts.mostOfTable}::boolean) m`);
  // Every row the function returned is the business's own (the join above keeps only those).
  expect(all.length).toBe(rows.length);
  return rows.map((r) => `${r.n}:${r.title}`).sort();
}

describe("knowledge_text_matches", () => {
  it.each([true, false])("finds only the business's chunks, word by word (business most of the table: %s)", async (mostOfTable) => {
    expect(await matches(a, ["'park'", "'elm'", "'bicycl'"], { mostOfTable })).toEqual(["1:Late parking", "1:Parking", "1:Parking fines", "2:Late parking", "2:Parking"]);
    expect(await matches(b, ["'bicycl'"], { mostOfTable })).toEqual(["1:B only"]);
  });

  it.each([true, false])("applies the category and public-only filters (business most of the table: %s)", async (mostOfTable) => {
    expect(await matches(a, ["'park'"], { mostOfTable, category: "visit" })).toEqual(["1:Late parking", "1:Parking"]);
    expect(await matches(a, ["'park'"], { mostOfTable, publicOnly: true })).toEqual(["1:Parking", "1:Parking fines"]);
    expect(await matches(a, ["'park'"], { mostOfTable, category: "visit", publicOnly: true })).toEqual(["1:Parking"]);
  });

  it.each([true, false])("returns at most the limit per word (business most of the table: %s)", async (mostOfTable) => {
    expect(await matches(a, ["'park'", "'elm'"], { mostOfTable, perQuery: 1 })).toHaveLength(2);
  });
});
