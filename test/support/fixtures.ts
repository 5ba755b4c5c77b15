// Test businesses: each test makes its own, so tests never share tenant data.
import { randomBytes, randomInt } from "node:crypto";
import type { Business, Plan, PhoneNumber, User } from "@prisma/client";
import type { Db } from "@frontdesk/core/db/client";
import { forBusiness, tenantDb } from "@frontdesk/core/db/tenant";
import { createUser } from "@frontdesk/core/auth/create-user";
import { createBusiness } from "@frontdesk/core/business/create-business";
import { writeAgentConfig, type AgentConfigPatch } from "@frontdesk/core/agent/agent-config";
import { createLogger } from "@frontdesk/core/observability/logger";
import { resolveKnowledgeDeps } from "@frontdesk/core/knowledge/knowledge-deps";
import { createKnowledgeService, drainKnowledgeJobs } from "@frontdesk/core/knowledge/knowledge-service";

export interface KnowledgeDoc {
  title: string;
  content: string;
  category?: string;
  isPublic?: boolean;
}

export interface TestBusiness {
  business: Business;
  owner: User;
  phone: PhoneNumber;
}

export function uniquePhoneNumber(): string {
  return `+1555${String(randomInt(0, 10_000_000)).padStart(7, "0")}`;
}

export async function createTestBusiness(
  db: Db,
  opts: {
    name?: string;
    plan?: Plan;
    isActive?: boolean;
    timezone?: string;
    hours?: Record<string, [string, string][]>;
    description?: string;
    agent?: AgentConfigPatch;
    knowledge?: KnowledgeDoc[];
  } = {},
): Promise<TestBusiness> {
  const tag = randomBytes(4).toString("hex");
  const owner = await createUser(db, { email: `owner-${tag}@example.test`, name: `Owner ${tag}`, passwordHash: "x" });
  const business = await createBusiness(db, {
    ownerId: owner.id,
    name: opts.name ?? `Test Business ${tag}`,
    slug: `test-${tag}`,
    description: opts.description ?? "",
    plan: opts.plan ?? "pro",
    isActive: opts.isActive ?? true,
    timezone: opts.timezone ?? "UTC",
    hours: opts.hours ?? {},
  });
  const scoped = tenantDb(db, business.id);
  const phone = await scoped.phoneNumber.create({ data: { businessId: business.id, e164: uniquePhoneNumber() } });
  if (opts.agent) await writeAgentConfig(scoped, business.id, opts.agent);
  if (opts.knowledge?.length) await indexKnowledge(db, business.id, opts.knowledge);
  return { business, owner, phone };
}

/**
 * Saves the documents through the knowledge engine and indexes them before returning, with
 * the local embedder and pgvector (what tests run on), so they are searchable at once.
 */
async function indexKnowledge(db: Db, businessId: string, docs: KnowledgeDoc[]): Promise<void> {
  const deps = { ...resolveKnowledgeDeps({ db }), logger: createLogger("fixtures", "silent") };
  await createKnowledgeService(deps).importContents(businessId, docs);
  await drainKnowledgeJobs(deps, { businessIds: [businessId] });
  const stuck = await forBusiness(db, businessId).rAGContent.findMany({ where: { status: { not: "indexed" } } });
  if (stuck.length) throw new Error(`knowledge fixture not indexed: ${stuck.map((c) => `${c.title}: ${c.status} ${c.statusReason ?? ""}`).join("; ")}`);
}
