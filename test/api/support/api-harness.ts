// One in-process API per test file on a random port, against the run's real Postgres and
// Redis, with responses validated against openapi.yaml; plus helpers to make keys, sessions
// and call data the way the product does.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Business, User } from "@prisma/client";
import type { ApiKeyScope } from "@frontdesk/core/auth/api-keys";
import { csrfTokenFor, SESSION_COOKIE } from "@frontdesk/core/auth/tokens";
import { tenantDb } from "@frontdesk/core/db/tenant";
import { SYSTEM_ACTOR } from "@frontdesk/core/audit/record-audit";
import { createApiKey } from "@frontdesk/core/auth/create-api-key";
import { createWidgetKey as createWidgetKeyRow } from "@frontdesk/core/auth/create-widget-key";
import { createUser } from "@frontdesk/core/auth/create-user";
import type { Cache } from "@frontdesk/core/cache/cache";
import { createCache } from "@frontdesk/core/cache/index";
import { randomBytes } from "node:crypto";
import { createApiApp, type ApiApp, type ApiAppDeps } from "../../../api/src/app.ts";
import { answerClientErrors } from "../../../api/src/http/client-error.ts";
import { testCache, testConfig, testDb, testLogger } from "../../support/services.ts";

export interface Api {
  url: string;
  api: ApiApp;
  cache: Cache;
  close(): Promise<void>;
}

/** A cache on the run's Redis under a key prefix of its own: counters start from zero. */
export function isolatedCache(): Cache {
  const config = testConfig();
  return createCache({ redisUrl: config.redisUrl, cachePrefix: `${config.cachePrefix}iso-${randomBytes(4).toString("hex")}:` });
}

export async function startApi(overrides: Partial<ApiAppDeps> & { isolated?: boolean } = {}): Promise<Api> {
  const { isolated, ...deps } = overrides;
  const ownCache = !deps.cache;
  const cache = deps.cache ?? (isolated ? isolatedCache() : testCache());
  const api = createApiApp({
    config: testConfig(),
    db: testDb(),
    logger: testLogger("api"),
    validateResponses: true,
    passwordCost: 4,
    // A loaded test machine must not make the limiter fail open (it does past storeTimeoutMs).
    rateLimits: { authPerIp: 10_000, storeTimeoutMs: 5_000 },
    ...deps,
    cache,
  });
  const server: Server = await new Promise((resolve) => {
    const s = api.app.listen(0, "127.0.0.1", () => resolve(s));
  });
  answerClientErrors(server); // as api-process.ts does
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    api,
    cache,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await api.close();
      if (ownCache) await cache.close();
    },
  };
}

export interface Credentials {
  key?: string;
  session?: { cookie: string; csrf: string };
  origin?: string;
  business?: string;
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function call<T = any>(
  api: Pick<Api, "url">,
  method: string,
  path: string,
  opts: Credentials & { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.session) {
    headers.cookie = `${SESSION_COOKIE}=${opts.session.cookie}`;
    if (!["GET", "HEAD"].includes(method)) headers["x-csrf-token"] = opts.session.csrf;
  }
  if (opts.origin) headers.origin = opts.origin;
  if (opts.business) headers["frontdesk-business"] = opts.business;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const controller = new AbortController();
  const res = await fetch(api.url + path, { method, headers, body, redirect: "manual", signal: controller.signal });
  // A live stream never ends: keep what arrived first, then hang up.
  if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
    const reader = res.body!.getReader();
    const first = await reader.read();
    controller.abort();
    const text = first.value ? new TextDecoder().decode(first.value) : "";
    return { status: res.status, headers: res.headers, body: text as T, text };
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** A secret key for a business, made the way the API makes them (core/auth/create-api-key). */
export async function createSecretKey(business: Pick<Business, "id">, scopes: readonly (ApiKeyScope | string)[], extra: { expiresAt?: Date; revokedAt?: Date } = {}): Promise<{ id: string; key: string }> {
  const scoped = tenantDb(testDb(), business.id);
  const { key, secret } = await createApiKey(scoped, { name: "test key", scopes, expiresAt: extra.expiresAt, actor: SYSTEM_ACTOR, appSecret: testConfig().appSecret });
  if (extra.revokedAt) await scoped.apiKey.update({ where: { id: key.id }, data: { revokedAt: extra.revokedAt } });
  return { id: key.id, key: secret };
}

export const ALL_SCOPES = [
  "business:write", "phone_numbers:write", "knowledge:write", "config:write", "calls:write",
  "analytics:read", "webhooks:write", "usage:read",
] as const;

export async function createWidgetKey(business: Pick<Business, "id">, allowedOrigins: string[], widgets = ["knowledge", "calls"]) {
  return createWidgetKeyRow(tenantDb(testDb(), business.id), { name: "site", widgets, allowedOrigins });
}

/** A signed-in dashboard session for a user (cookie value and CSRF token). */
export async function sessionFor(api: Api, user: Pick<User, "id">): Promise<{ cookie: string; csrf: string }> {
  const s = await api.api.services.user.sessions.create(user.id, {});
  return { cookie: s.token, csrf: csrfTokenFor(s.tokenHash, testConfig().appSecret) };
}

/** Adds a user to a business with a role, returning the user. */
export async function addMember(business: Pick<Business, "id">, role: "owner" | "admin" | "viewer"): Promise<User> {
  const db = testDb();
  const tag = Math.random().toString(36).slice(2, 10);
  const user = await createUser(db, { email: `${role}-${tag}@example.test`, name: `${role} ${tag}`, passwordHash: "x" });
  await tenantDb(db, business.id).membership.create({ data: { businessId: business.id, userId: user.id, role } });
  return user;
}
