// Retention: what the product keeps no longer than it needs. One pass deletes expired
// dashboard sessions and account tokens, expired idempotency keys, finished jobs, old settled
// webhook deliveries, call recordings past their business's retention (deleted at Twilio), and
// purges businesses deleted longer ago than the grace period. Runs
// on the job worker (see scheduleRetention), one instance at a time.
import type { Db } from "../db/client.ts";
import type { Logger } from "../observability/logger.ts";
import { purgeBusiness, type PurgeDeps } from "../business/purge-business.ts";
import { deleteBusinessRecordings, deleteExpiredRecordings } from "../calls/recording-retention.ts";
import type { TwilioRecordings } from "../telephony/twilio-recordings.ts";

/** Call recordings at Twilio, deleted past each business's recordingRetentionDays (when Twilio is configured). */
export type RetentionDeps = PurgeDeps & { recordings?: Pick<TwilioRecordings, "configured" | "remove"> };

const DAY = 24 * 3600_000;

export interface RetentionPolicy {
  /** Finished (done or failed) jobs are kept this long for inspection. */
  finishedJobsMs: number;
  /** Delivered or failed webhook deliveries are kept this long (the business's delivery log). */
  webhookDeliveriesMs: number;
  /** A deleted business can be restored by support this long; then it is purged. */
  deletedBusinessGraceMs: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  finishedJobsMs: 7 * DAY,
  webhookDeliveriesMs: 30 * DAY,
  deletedBusinessGraceMs: 30 * DAY,
};

export interface RetentionResult {
  sessions: number;
  accountTokens: number;
  idempotencyKeys: number;
  jobs: number;
  webhookDeliveries: number;
  businessesPurged: number;
  recordingsDeleted: number;
}

export async function runRetention(deps: RetentionDeps & { now?: Date; policy?: Partial<RetentionPolicy> }): Promise<RetentionResult> {
  const { db, logger } = deps;
  const now = deps.now ?? new Date();
  const policy = { ...DEFAULT_RETENTION, ...deps.policy };
  const before = (ms: number) => new Date(now.getTime() - ms);

  const sessions = await db.userSession.deleteMany({ where: { expiresAt: { lt: now } } });
  const accountTokens = await db.accountToken.deleteMany({ where: { expiresAt: { lt: now } } });
  const idempotencyKeys = await db.idempotencyKey.deleteMany({ where: { expiresAt: { lt: now } } });
  const jobs = await db.job.deleteMany({ where: { status: { in: ["done", "failed"] }, updatedAt: { lt: before(policy.finishedJobsMs) } } });
  const webhookDeliveries = await db.webhookDelivery.deleteMany({
    where: { status: { not: "pending" }, createdAt: { lt: before(policy.webhookDeliveriesMs) } },
  });
  const due = await db.business.findMany({ where: { deletedAt: { lt: before(policy.deletedBusinessGraceMs) } }, select: { id: true } });
  let businessesPurged = 0;
  for (const { id } of due) {
    try {
      // Its recordings live at Twilio, beyond the rows the purge deletes: they go first.
      if (deps.recordings) await deleteBusinessRecordings({ db, recordings: deps.recordings }, id);
      if ((await purgeBusiness(deps, id)).purged) businessesPurged++;
    } catch (err) {
      logger.error({ businessId: id, err: err instanceof Error ? err.message : String(err) }, "purging a deleted business failed; retried next pass");
    }
  }
  const recordings = deps.recordings ? await deleteExpiredRecordings({ db, recordings: deps.recordings, logger, now }) : { deleted: 0, failed: 0 };
  const result = {
    sessions: sessions.count,
    accountTokens: accountTokens.count,
    idempotencyKeys: idempotencyKeys.count,
    jobs: jobs.count,
    webhookDeliveries: webhookDeliveries.count,
    businessesPurged,
    recordingsDeleted: recordings.deleted,
  };
  logger.info(result, "retention pass");
  return result;
}

/** Runs a retention pass now and then every `everyMs`, on one instance at a time (a Postgres advisory lock). */
export function scheduleRetention(deps: RetentionDeps & { policy?: Partial<RetentionPolicy> }, everyMs = 3600_000): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const pass = async () => {
    // A transaction-level lock: held by this connection for the pass, released when it ends.
    await deps.db.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtext('frontdesk.retention')) AS locked`;
      if (!row?.locked) return;
      await runRetention({ ...deps, db: deps.db });
    }, { timeout: 30 * 60_000, maxWait: 10_000 });
  };
  const tick = () => {
    running ??= pass()
      .catch((err) => deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, "retention pass failed"))
      .finally(() => (running = undefined));
  };
  const first = setTimeout(tick, 5_000);
  const timer = setInterval(tick, everyMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
