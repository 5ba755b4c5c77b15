// Stripe-style idempotency for POSTs on a business: the first request with an
// Idempotency-Key runs and its response is kept for 24 h; a retry with the same key and body
// gets that response again, with a different body a 409. A request that failed is forgotten,
// so it can be retried with the same key.
import { createHash } from "node:crypto";
import { Prisma } from "@prisma/client";
import type { Tenant } from "../http/context.ts";
import { conflict } from "../http/api-error.ts";

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

export interface StoredReply {
  status: number;
  body: unknown;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash("sha256").update(JSON.stringify([method, path, canonical(body ?? null)])).digest("hex");
}

const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";

export async function runIdempotent(
  tenant: Tenant,
  request: { key: string; method: string; path: string; body: unknown },
  run: () => Promise<StoredReply>,
): Promise<StoredReply & { replayed: boolean }> {
  const { db, business } = tenant;
  const hash = requestHash(request.method, request.path, request.body);
  const claim = () =>
    db.idempotencyKey.create({
      data: {
        businessId: business.id,
        key: request.key,
        method: request.method,
        path: request.path,
        requestHash: hash,
        expiresAt: new Date(Date.now() + IDEMPOTENCY_TTL_MS),
      },
      select: { id: true },
    });

  let claimed: { id: string } | undefined;
  for (let attempt = 0; attempt < 2 && !claimed; attempt++) {
    try {
      claimed = await claim();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = await db.idempotencyKey.findFirst({ where: { key: request.key } });
      if (!existing) continue; // forgotten meanwhile: claim again
      if (existing.expiresAt <= new Date()) {
        await db.idempotencyKey.deleteMany({ where: { id: existing.id } });
        continue;
      }
      if (existing.requestHash !== hash) {
        throw conflict("idempotency_key_reused", "This Idempotency-Key was used with a different request; use a new key.");
      }
      if (existing.responseStatus === null) {
        throw conflict("idempotency_key_in_use", "A request with this Idempotency-Key is still being processed; retry shortly.");
      }
      return { status: existing.responseStatus, body: existing.responseBody, replayed: true };
    }
  }
  if (!claimed) throw conflict("idempotency_key_in_use", "A request with this Idempotency-Key is still being processed; retry shortly.");

  try {
    const reply = await run();
    await db.idempotencyKey.update({
      where: { id: claimed.id },
      data: { responseStatus: reply.status, responseBody: (reply.body ?? Prisma.JsonNull) as Prisma.InputJsonValue },
    });
    return { ...reply, replayed: false };
  } catch (err) {
    await db.idempotencyKey.deleteMany({ where: { id: claimed.id } }).catch(() => {});
    throw err;
  }
}
