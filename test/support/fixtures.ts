// Test businesses: each test makes its own, so tests never share tenant data.
import { randomBytes, randomInt } from "node:crypto";
import type { Business, Plan, PhoneNumber, User } from "@prisma/client";
import type { Db } from "@frontdesk/core/db/client";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { writeAgentConfig, type AgentConfigPatch } from "@frontdesk/core/agent/agent-config";

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
  const owner = await db.user.create({
    data: { email: `owner-${tag}@example.test`, name: `Owner ${tag}`, passwordHash: "x" },
  });
  const business = await db.business.create({
    data: {
      name: opts.name ?? `Test Business ${tag}`,
      slug: `test-${tag}`,
      description: opts.description ?? "",
      plan: opts.plan ?? "pro",
      isActive: opts.isActive ?? true,
      timezone: opts.timezone ?? "UTC",
      hours: opts.hours ?? {},
      memberships: { create: { userId: owner.id, role: "owner" } },
    },
  });
  const scoped = forBusiness(db, business.id);
  const phone = await scoped.phoneNumber.create({ data: { businessId: business.id, e164: uniquePhoneNumber() } });
  if (opts.agent) await writeAgentConfig(scoped, business.id, opts.agent);
  for (const doc of opts.knowledge ?? []) {
    await scoped.rAGContent.create({
      data: { businessId: business.id, title: doc.title, content: doc.content, category: doc.category ?? null, isPublic: doc.isPublic ?? false },
    });
  }
  return { business, owner, phone };
}
