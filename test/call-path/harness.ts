// A whole call path on loopback for end-to-end tests: the real relay (createRealtimeServer)
// on the run's Postgres and Redis, the OpenAI Realtime stand-in as the model, the Twilio
// simulator as the phone network.
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Db } from "@frontdesk/core/db/client";
import { createKnowledgeSearch } from "@frontdesk/core/knowledge/knowledge-search";
import { createRealtimeServer, type RealtimeServer, type RealtimeServerDeps } from "@frontdesk/realtime/server";
import { testCache, testConfig, testDb, testLogger } from "../support/services.ts";
import { startRealtimeStandIn, type RealtimeStandIn, type Scenario } from "../stand-ins/openai-realtime.ts";
import { TwilioSimulator } from "../stand-ins/twilio-simulator.ts";

export const PUBLIC_BASE_URL = "https://relay.frontdesk.test";
export const TWILIO_AUTH_TOKEN = "twilio-auth-token-for-tests-0123";

export interface CallPath {
  config: AppConfig;
  db: Db;
  cache: Cache;
  relay: RealtimeServer;
  relayUrl: string;
  model: RealtimeStandIn;
  twilio: TwilioSimulator;
  close(): Promise<void>;
}

export async function startCallPath(
  opts: { scenario?: Scenario; env?: Record<string, string | undefined>; hooks?: RealtimeServerDeps["hooks"] } = {},
): Promise<CallPath> {
  const model = await startRealtimeStandIn(opts.scenario ?? {});
  const config = testConfig({
    PUBLIC_BASE_URL,
    TWILIO_AUTH_TOKEN,
    TWILIO_ACCOUNT_SID: undefined,
    OPENAI_API_KEY: "sk-test-realtime",
    OPENAI_REALTIME_URL: model.url,
    ...opts.env,
  });
  const db = testDb();
  const cache = testCache();
  const relay = createRealtimeServer({
    config, db, cache, logger: testLogger("realtime"), knowledge: createKnowledgeSearch({ db }), hooks: opts.hooks,
  });
  const { port } = await relay.listen(0, "127.0.0.1");
  const relayUrl = `http://127.0.0.1:${port}`;
  const twilio = new TwilioSimulator({ relayUrl, publicBaseUrl: PUBLIC_BASE_URL, authToken: TWILIO_AUTH_TOKEN });
  return {
    config, db, cache, relay, relayUrl, model, twilio,
    async close() {
      twilio.close();
      await relay.close();
      await model.close();
      await cache.close();
    },
  };
}

/** Polls until `fn` returns a truthy value (for rows written asynchronously). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 5_000, what = "condition"): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
