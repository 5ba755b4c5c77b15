// What handlers may use, built once per app: narrow services rather than globals.
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Db } from "@frontdesk/core/db/client";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Logger } from "@frontdesk/core/observability/logger";
import type { LoginThrottle } from "@frontdesk/core/auth/login-throttle";
import type { KnowledgeService } from "@frontdesk/core/knowledge/knowledge-service";
import type { KeyResolver } from "./auth/key-resolver.ts";
import type { SessionStore } from "./auth/session-store.ts";
import type { ReadPool } from "./read/read-pool.ts";

export type KnowledgeApi = Pick<KnowledgeService, "createContent" | "updateContent" | "deleteContent" | "importContents" | "search">;

export interface ApiServices {
  config: AppConfig;
  db: Db;
  /** node-postgres pool for the hottest reads (calls list). */
  readPool: ReadPool;
  cache: Cache;
  logger: Logger;
  knowledge: KnowledgeApi;
  keys: KeyResolver;
  sessions: SessionStore;
  loginThrottle: LoginThrottle;
  /** bcrypt cost for new password hashes. */
  passwordCost: number;
  secureCookies: boolean;
  /** Delivers webhook test events (a stand-in in tests is a local server, not a fake fetch). */
  fetch: typeof fetch;
  allowPrivateWebhookTargets: boolean;
  now: () => Date;
}
