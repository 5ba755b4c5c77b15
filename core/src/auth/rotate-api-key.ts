// Rotating a secret API key: a new key with the same name and scopes, while the old one keeps
// working for an overlap window (then expires), so integrations can switch without downtime.
import type { ApiKey } from "@prisma/client";
import type { TenantDb } from "../db/tenant.ts";
import { AppError } from "../errors.ts";
import type { Actor } from "../audit/record-audit.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { keyIsLive } from "./api-keys.ts";
import { createApiKey } from "./create-api-key.ts";

export const DEFAULT_ROTATION_OVERLAP_SEC = 86_400;

export interface RotateApiKeyInput {
  keyId: string;
  overlapSec?: number;
  actor: Actor;
  appSecret: string;
  at: Date;
}

const keyNotFound = (id: string) => new AppError("not_found", { reason: "not_found", message: `no API key ${id} in this business`, userMessage: "API key not found." });
const notActive = (message: string, userMessage: string) => new AppError("conflict", { reason: "key_not_active", message, userMessage });

/** The new key and its secret; the old key now expires at the end of the overlap. */
export async function rotateApiKey(db: TenantDb, input: RotateApiKeyInput): Promise<{ key: ApiKey; secret: string }> {
  const old = await db.apiKey.findFirst({ where: { id: input.keyId } });
  if (!old) throw keyNotFound(input.keyId);
  if (!keyIsLive(old, input.at)) throw notActive(`key ${old.id} is revoked or expired`, "Only an active key can be rotated; create a new key instead.");
  const overlapSec = input.overlapSec ?? DEFAULT_ROTATION_OVERLAP_SEC;
  const overlapEnd = new Date(input.at.getTime() + overlapSec * 1000);
  return db.$transaction(async (tx) => {
    // Conditional on the old key still being live, so two concurrent rotations make one new key.
    const ended = await tx.apiKey.updateMany({
      where: { id: old.id, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: overlapEnd } }] },
      data: { expiresAt: overlapEnd },
    });
    const alreadyEnding = old.expiresAt !== null && old.expiresAt <= overlapEnd;
    if (ended.count === 0 && !alreadyEnding) throw notActive(`key ${old.id} changed during rotation`, "The key changed meanwhile; try again.");
    const created = await createApiKey(tx, { name: old.name, scopes: old.scopes, actor: input.actor, appSecret: input.appSecret, rotatedFromId: old.id });
    await recordAudit(tx, input.actor, { action: "api_key.rotated", targetType: "api_key", targetId: created.key.id, metadata: { from: old.id, overlapSeconds: String(overlapSec) } });
    return created;
  });
}
