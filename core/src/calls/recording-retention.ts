// Deletes recordings older than their business's retention (recordingRetentionDays) at Twilio
// and marks them deleted on their calls. Part of the retention pass; a recording Twilio could
// not delete stays as it is and is tried again on the next pass.
import type { Db } from "../db/client.ts";
import { forBusiness } from "../db/tenant.ts";
import { readAgentConfig } from "../agent/agent-config.ts";
import type { Logger } from "../observability/logger.ts";
import type { TwilioRecordings } from "../telephony/twilio-recordings.ts";

const DAY_MS = 24 * 3600_000;

/** Deletes every recording of a business at Twilio (before the business is purged); throws if one could not be. */
export async function deleteBusinessRecordings(deps: { db: Db; recordings: Pick<TwilioRecordings, "configured" | "remove"> }, businessId: string): Promise<number> {
  const scoped = forBusiness(deps.db, businessId);
  const kept = await scoped.callLog.findMany({ where: { recordingSid: { not: null }, recordingStatus: { not: "deleted" } }, select: { id: true, recordingSid: true } });
  if (kept.length && !deps.recordings.configured) throw new Error(`business ${businessId} has ${kept.length} recordings at Twilio and Twilio is not configured here`);
  for (const call of kept) {
    await deps.recordings.remove(call.recordingSid!);
    await scoped.callLog.update({ where: { id: call.id }, data: { recordingStatus: "deleted", recordingDeletedAt: new Date() } });
  }
  return kept.length;
}

export async function deleteExpiredRecordings(deps: { db: Db; recordings: Pick<TwilioRecordings, "configured" | "remove">; logger: Logger; now?: Date }): Promise<{ deleted: number; failed: number }> {
  const { db, recordings, logger } = deps;
  const now = deps.now ?? new Date();
  if (!recordings.configured) return { deleted: 0, failed: 0 };
  // System-wide on purpose: each business's own retention is applied below, in its scope.
  const owners = await db.callLog.findMany({
    where: { recordingSid: { not: null }, recordingStatus: { not: "deleted" } },
    distinct: ["businessId"],
    select: { businessId: true },
  });
  let deleted = 0;
  let failed = 0;
  for (const { businessId } of owners) {
    const scoped = forBusiness(db, businessId);
    const { recordingRetentionDays } = await readAgentConfig(scoped);
    const expired = await scoped.callLog.findMany({
      where: { recordingSid: { not: null }, recordingStatus: { notIn: ["deleted", "in-progress"] }, startedAt: { lt: new Date(now.getTime() - recordingRetentionDays * DAY_MS) } },
      select: { id: true, recordingSid: true },
    });
    for (const call of expired) {
      try {
        await recordings.remove(call.recordingSid!);
        await scoped.callLog.update({ where: { id: call.id }, data: { recordingStatus: "deleted", recordingDeletedAt: now } });
        deleted++;
      } catch (err) {
        failed++;
        logger.error({ businessId, callId: call.id, err: err instanceof Error ? err.message : String(err) }, "expired recording not deleted at Twilio; retried next pass");
      }
    }
  }
  return { deleted, failed };
}
