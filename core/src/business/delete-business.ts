// Deleting a business: kept as a soft-deleted row (its data stays for the retention period),
// but from now on it answers nowhere — its numbers are released, its webhooks stop.
import type { TenantDb } from "../db/tenant.ts";
import { recordAudit, type Actor } from "../audit/record-audit.ts";

export async function deleteBusiness(db: TenantDb, input: { actor: Actor; at: Date }): Promise<void> {
  const { actor, at } = input;
  await db.$transaction(async (tx) => {
    await tx.business.update({ where: { id: tx.businessId }, data: { deletedAt: at, isActive: false } });
    // Its numbers may ring someone else's business from now on.
    await tx.phoneNumber.deleteMany({});
    await tx.webhookEndpoint.updateMany({ data: { isActive: false, disabledAt: at } });
    await recordAudit(tx, actor, { action: "business.deleted" });
  });
}
