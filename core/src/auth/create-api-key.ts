// Creating a secret API key for a business: the key is returned once and kept only as its
// HMAC with a visible prefix and last 4 (auth/api-keys.ts). Audited when an actor is named.
import type { ApiKey } from "@prisma/client";
import type { TenantTx } from "../db/tenant.ts";
import { actingUserId, recordAudit, type Actor } from "../audit/record-audit.ts";
import { generateSecretKey } from "./api-keys.ts";

export interface NewApiKey {
  name: string;
  scopes: readonly string[];
  expiresAt?: Date | null;
  actor: Actor;
  /** Keys are hashed under the app secret (config.appSecret). */
  appSecret: string;
  /** The key this one replaces (rotate-api-key.ts). */
  rotatedFromId?: string;
}

/** The created key and its secret, the only time the secret exists outside the caller. */
export async function createApiKey(db: TenantTx, input: NewApiKey): Promise<{ key: ApiKey; secret: string }> {
  const material = generateSecretKey(input.appSecret);
  const key = await db.apiKey.create({
    data: {
      businessId: db.businessId,
      name: input.name,
      prefix: material.prefix,
      hash: material.hash,
      last4: material.last4,
      scopes: [...input.scopes],
      expiresAt: input.expiresAt ?? null,
      rotatedFromId: input.rotatedFromId ?? null,
      createdById: actingUserId(input.actor),
    },
  });
  if (!input.rotatedFromId) await recordAudit(db, input.actor, { action: "api_key.created", targetType: "api_key", targetId: key.id, metadata: { scopes: input.scopes.join(" ") } });
  return { key, secret: material.key };
}
