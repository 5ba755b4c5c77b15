// A whole call path on loopback for end-to-end tests: the real relay (createRealtimeServer)
// on the run's Postgres and Redis, the OpenAI Realtime stand-in as the model, the Twilio
// simulator as the phone network and, when asked, the Twilio REST stand-in for the hang-ups
// and transfers the relay makes. A second relay instance on the same database and Redis
// can be added, as production runs several.
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Db } from "@frontdesk/core/db/client";
import { createKnowledgeSearch } from "@frontdesk/core/knowledge/knowledge-search";
import { createRealtimeServer, type RealtimeServer, type RealtimeServerDeps } from "@frontdesk/realtime/server";
import { testCache, testConfig, testDb, testLogger } from "../support/services.ts";
import { startRealtimeStandIn, type RealtimeStandIn, type Scenario } from "../stand-ins/openai-realtime.ts";
import { startTwilioRestStandIn, type TwilioRestStandIn } from "../stand-ins/twilio-rest.ts";
import { TwilioSimulator, sid } from "../stand-ins/twilio-simulator.ts";

export const PUBLIC_BASE_URL = "https://relay.frontdesk.test";
export const TWILIO_AUTH_TOKEN = "twilio-auth-token-for-tests-0123";

export interface RelayInstance {
  relay: RealtimeServer;
  relayUrl: string;
  twilio: TwilioSimulator;
  cache: Cache;
  close(): Promise<void>;
}

export interface CallPath extends RelayInstance {
  config: AppConfig;
  db: Db;
  model: RealtimeStandIn;
  /** Twilio's REST API, when the path was started with `twilioRest`. */
  rest: TwilioRestStandIn | undefined;
  /** Another relay process on the same database, Redis and model (its env on top of this one's). */
  addRelay(env?: Record<string, string | undefined>): Promise<RelayInstance>;
}

export interface CallPathOptions {
  scenario?: Scenario;
  env?: Record<string, string | undefined>;
  hooks?: RealtimeServerDeps["hooks"];
  timings?: RealtimeServerDeps["timings"];
  /** Give the relay Twilio REST credentials, pointed at a local stand-in. */
  twilioRest?: boolean;
  /** The agent's tool registry (default: every tool the relay ships). */
  tools?: RealtimeServerDeps["tools"];
}

export async function startCallPath(opts: CallPathOptions = {}): Promise<CallPath> {
  const model = await startRealtimeStandIn(opts.scenario ?? {});
  const accountSid = sid("AC");
  const rest = opts.twilioRest ? await startTwilioRestStandIn({ accountSid, authToken: TWILIO_AUTH_TOKEN }) : undefined;
  const baseEnv = {
    PUBLIC_BASE_URL,
    TWILIO_AUTH_TOKEN,
    TWILIO_ACCOUNT_SID: rest ? accountSid : undefined,
    TWILIO_API_BASE_URL: rest?.url,
    OPENAI_API_KEY: "sk-test-realtime",
    OPENAI_REALTIME_URL: model.url,
    ...opts.env,
  };
  const db = testDb();
  const instances: RelayInstance[] = [];

  async function startRelay(env: Record<string, string | undefined>): Promise<RelayInstance & { config: AppConfig }> {
    const config = testConfig(env);
    const cache = testCache();
    const relay = createRealtimeServer({
      config, db, cache, logger: testLogger("realtime"), knowledge: createKnowledgeSearch({ db }), hooks: opts.hooks, timings: opts.timings, tools: opts.tools,
    });
    const { port } = await relay.listen(0, "127.0.0.1");
    const relayUrl = `http://127.0.0.1:${port}`;
    const twilio = new TwilioSimulator({ relayUrl, publicBaseUrl: PUBLIC_BASE_URL, authToken: TWILIO_AUTH_TOKEN, accountSid });
    // Like Twilio: a call redirected or completed through the REST API leaves its stream.
    const unsubscribe = rest?.onCallUpdated((call, params) => twilio.restUpdated(call.sid, params));
    let closed: Promise<void> | undefined;
    const instance = {
      config, relay, relayUrl, twilio, cache,
      close() {
        closed ??= (async () => {
          unsubscribe?.();
          twilio.close();
          await relay.close();
          await cache.close();
        })();
        return closed;
      },
    };
    instances.push(instance);
    return instance;
  }

  const first = await startRelay(baseEnv);
  return {
    ...first,
    db,
    model,
    rest,
    addRelay: (env = {}) => startRelay({ ...baseEnv, ...env }),
    async close() {
      for (const i of instances) await i.close();
      await rest?.close();
      await model.close();
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
