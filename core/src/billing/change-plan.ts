// Changing a business's plan. `Business.plan` is the one source of truth for what a business
// may do: it sits on the row every request already has (the key resolver caches it with the
// key; the relay loads it with the dialled number), so enforcing a limit costs no extra read.
// `Subscription` is Stripe's side of the story (customer, status, period): billing code keeps
// it and derives the plan from it through this verb, which is the only writer of Business.plan
// after creation. Without Stripe there are no subscriptions and businesses keep the plan they
// were created with (BILLING_DEFAULT_PLAN) unless an operator changes it here.
import type { Plan } from "@prisma/client";
import type { Db } from "../db/client.ts";
import type { Cache } from "../cache/cache.ts";
import type { Logger } from "../observability/logger.ts";
import { tenantDb } from "../db/tenant.ts";
import { recordAudit, type Actor } from "../audit/record-audit.ts";
import { announceBusinessChanged } from "../business/business-changed.ts";

export interface PlanChange {
  plan: Plan;
  actor: Actor;
  /** Why, for the audit trail: `checkout.session.completed`, `payment failed past grace` ... */
  reason: string;
}

/** Sets the plan and drops cached copies of the business on every instance; returns the previous plan. */
export async function changePlan(
  deps: { db: Db; cache: Pick<Cache, "publish">; logger?: Logger },
  businessId: string,
  change: PlanChange,
): Promise<{ from: Plan; to: Plan }> {
  const scoped = tenantDb(deps.db, businessId);
  const from = await scoped.$transaction(async (tx) => {
    const before = await tx.business.findFirstOrThrow({ select: { plan: true } });
    if (before.plan === change.plan) return before.plan;
    await tx.business.update({ where: { id: businessId }, data: { plan: change.plan } });
    await recordAudit(tx, change.actor, { action: "business.plan_changed", targetType: "business", targetId: businessId, metadata: { from: before.plan, to: change.plan, reason: change.reason } });
    return before.plan;
  });
  if (from !== change.plan) {
    deps.logger?.info({ businessId, from, to: change.plan, reason: change.reason }, "plan changed");
    await announceBusinessChanged(deps.cache, businessId).catch((err) =>
      deps.logger?.warn({ err: String(err), businessId }, "could not announce the plan change; cached copies expire within seconds"),
    );
  }
  return { from, to: change.plan };
}
