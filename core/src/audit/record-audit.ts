// The audit trail of a business: who did what to which of its things. Written through the
// business's scoped client, inside the transaction of the act it records when there is one.
import type { Prisma } from "@prisma/client";
import type { TenantTx } from "../db/tenant.ts";

/** Who acted: a dashboard user, an API key, a widget key, or the system itself (seed, jobs). */
export interface Actor {
  type: "user" | "api_key" | "widget_key" | "system";
  id: string | null;
}

export const SYSTEM_ACTOR: Actor = { type: "system", id: null };

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  metadata?: Record<string, string>;
}

/** The user behind an act, when a user did it (keys and the system are no one's). */
export const actingUserId = (actor: Actor): string | null => (actor.type === "user" ? actor.id : null);

export async function recordAudit(db: Pick<TenantTx, "auditLog" | "businessId">, actor: Actor, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      businessId: db.businessId,
      actorType: actor.type,
      actorId: actor.id,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      ...(entry.metadata ? { metadata: entry.metadata as Prisma.InputJsonValue } : {}),
    },
  });
}
