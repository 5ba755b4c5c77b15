// A business's data export: everything it owns, as one JSON document written piece by piece
// (table by table, 500 rows at a time), so a business with millions of transcript lines is
// exported in constant memory. Read through the business's scoped client only. Credentials
// are left out (key hashes, webhook signing secrets): an export is a copy of the data, not of
// the keys to it. Vectors are left out too: they are recomputed from the knowledge text.
import type { TenantDb } from "../db/tenant.ts";
import { recordAudit, type Actor } from "../audit/record-audit.ts";

export const EXPORT_FORMAT = "frontdesk.business-export.v1";

/** Tables in the export, in dependency order (a restore could insert them in this order). */
export const EXPORTED_TABLES = [
  "subscription", "membership", "invite", "phoneNumber", "configuration", "rAGContent", "knowledgeChunk",
  "callLog", "transcriptSegment", "callMessage", "apiKey", "widgetKey", "webhookEndpoint", "webhookDelivery",
  "usageEvent", "auditLog",
] as const;

const PAGE = 500;
const OMIT = /hash$|^secret$|^token$|^(pending)?embedding$/i;

function json(value: unknown): string {
  return JSON.stringify(value, (key, v) => (key && OMIT.test(key) ? undefined : typeof v === "bigint" ? v.toString() : v));
}

type Page = { id: string }[];
type Pager = (args: { take: number; orderBy: { id: "asc" }; cursor?: { id: string }; skip?: number }) => Promise<Page>;

/**
 * Writes the export through `write` (which may wait, for backpressure) and records an audit
 * entry. `write` receives consecutive pieces of one JSON document.
 */
export async function exportBusiness(db: TenantDb, input: { actor: Actor; at: Date; write: (piece: string) => Promise<void> }): Promise<{ rows: number }> {
  const { write } = input;
  const business = await db.business.findFirstOrThrow({});
  await recordAudit(db, input.actor, { action: "business.exported" });
  await write(`{"format":${json(EXPORT_FORMAT)},"exportedAt":${json(input.at.toISOString())},"business":${json(business)},"tables":{`);
  let rows = 0;
  for (const [t, table] of EXPORTED_TABLES.entries()) {
    await write(`${t ? "," : ""}${json(table)}:[`);
    const findMany = (db[table] as unknown as { findMany: Pager }).findMany.bind(db[table]);
    let cursor: string | undefined;
    let first = true;
    for (;;) {
      const page = await findMany({ take: PAGE, orderBy: { id: "asc" }, ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}) });
      if (page.length === 0) break;
      await write(page.map((row) => (first ? ((first = false), "") : ",") + json(row)).join(""));
      rows += page.length;
      cursor = page[page.length - 1]!.id;
      if (page.length < PAGE) break;
    }
    await write("]");
  }
  await write("}}");
  return { rows };
}
