// Environment configuration: parsed and validated once at start, with one clear line per
// missing or malformed variable. Everything outside this file reads the typed AppConfig.
import { z } from "zod";

const DEV_SECRET = "frontdesk-dev-secret-do-not-use-in-production-0000";
const DEV_TWILIO_AUTH_TOKEN = "frontdesk-dev-twilio-auth-token";

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `must be a URL starting with ${protocols.map((p) => p + "//").join(" or ")}`);

const optionalUrl = (protocols: string[]) =>
  optionalString.pipe(url(protocols).optional());

const port = (fallback: number) =>
  optionalString.pipe(
    z.coerce.number<string | undefined>().int().min(1, "must be a port number (1-65535)").max(65535, "must be a port number (1-65535)").default(fallback),
  );

const int = (fallback: number, min: number, max: number) =>
  optionalString.pipe(z.coerce.number<string | undefined>().int().min(min).max(max).default(fallback));

const bool = optionalString.pipe(
  z
    .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
    .optional()
    .transform((v) => (v === undefined ? undefined : ["true", "1", "yes"].includes(v))),
);

const EnvShape = {
  NODE_ENV: optionalString.pipe(z.enum(["development", "test", "production"]).default("development")),
  LOG_LEVEL: optionalString.pipe(
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
  HOST: optionalString.pipe(z.string().default("127.0.0.1")),
  PORT: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).max(65535).optional()),
  API_PORT: port(3000),
  REALTIME_PORT: port(3001),
  DASHBOARD_PORT: port(3002),
  DATABASE_URL: optionalUrl(["postgres:", "postgresql:"]),
  DATABASE_POOL_MAX: int(10, 1, 500),
  REDIS_URL: optionalUrl(["redis:", "rediss:"]),
  CACHE_PREFIX: optionalString.pipe(z.string().default("fd:")),
  APP_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  PUBLIC_BASE_URL: optionalUrl(["http:", "https:"]),
  API_PUBLIC_URL: optionalUrl(["http:", "https:"]),
  DASHBOARD_URL: optionalUrl(["http:", "https:"]),
  TWILIO_ACCOUNT_SID: optionalString.pipe(
    z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must look like AC followed by 32 hex digits").optional(),
  ),
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_API_BASE_URL: optionalUrl(["http:", "https:"]),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl(["http:", "https:"]),
  OPENAI_REALTIME_URL: optionalUrl(["ws:", "wss:"]),
  OPENAI_REALTIME_MODEL: optionalString.pipe(z.string().default("gpt-realtime")),
  OPENAI_TRANSCRIPTION_MODEL: optionalString.pipe(z.string().default("gpt-4o-mini-transcribe")),
  OPENAI_EMBEDDING_MODEL: optionalString.pipe(z.string().default("text-embedding-3-small")),
  OPENAI_EMBEDDING_DIMENSIONS: int(1536, 1, 1536),
  OPENAI_ANALYSIS_MODEL: optionalString.pipe(z.string().default("gpt-4o-mini")),
  PINECONE_API_KEY: optionalString,
  PINECONE_INDEX_HOST: optionalUrl(["http:", "https:"]),
  PINECONE_CONTROLLER_URL: optionalUrl(["http:", "https:"]),
  BILLING_DEFAULT_PLAN: optionalString.pipe(z.enum(["free", "starter", "pro", "enterprise"]).default("free")),
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  STRIPE_API_BASE_URL: optionalUrl(["http:", "https:"]),
  STRIPE_PRICE_STARTER: optionalString,
  STRIPE_PRICE_PRO: optionalString,
  STRIPE_PRICE_ENTERPRISE: optionalString,
  STRIPE_PRICE_OVERAGE_MINUTES: optionalString,
  STRIPE_METER_EVENT_NAME: optionalString.pipe(z.string().default("frontdesk_call_minutes")),
  BILLING_GRACE_DAYS: int(7, 0, 90),
  KNOWLEDGE_QUERY_EMBEDDING_BUDGET_MS: int(800, 50, 60_000),
  SMTP_URL: optionalUrl(["smtp:", "smtps:"]),
  MAIL_FROM: optionalString.pipe(z.string().default("frontdesk <no-reply@localhost>")),
  TRUST_PROXY: optionalString.pipe(
    z
      .string()
      .refine((v) => /^\d{1,2}$/.test(v) || v.split(",").every((p) => p.trim().length > 0), "must be a hop count (0-99) or a comma-separated list of proxy addresses/subnets")
      .optional(),
  ),
  MAX_CALLS_PER_INSTANCE: int(200, 1, 100_000),
  DRAIN_TIMEOUT_MS: int(30 * 60_000, 0, 24 * 3_600_000),
  WORKER_PORT: port(3003),
  WIDGET_DEMO_PORT: port(3004),
  API_JOB_WORKER: optionalString.pipe(z.enum(["on", "off"]).default("on")),
  API_DRAIN_TIMEOUT_MS: int(30_000, 0, 3_600_000),
  API_CALLS_CACHE_MB: int(32, 0, 65_536),
  SHUTDOWN_DELAY_MS: int(0, 0, 600_000),
  METRICS_TOKEN: optionalString,
  DELETED_BUSINESS_GRACE_DAYS: int(30, 0, 3650),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool,
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(["http:", "https:"]),
  OTEL_EXPORTER_OTLP_HEADERS: optionalString,
  OTEL_SERVICE_NAME: optionalString,
} as const;

/** Every variable the processes read, validated; deploy manifests are checked against it. */
export const EnvSchema = z
  .object(EnvShape)
  .superRefine((env, ctx) => {
    // Billing on without a way to verify Stripe's webhooks would take forged plan changes.
    if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
      ctx.addIssue({ code: "custom", path: ["STRIPE_WEBHOOK_SECRET"], message: "is required when STRIPE_SECRET_KEY is set (it verifies Stripe's webhook signatures)" });
    }
    if (env.NODE_ENV !== "production") return;
    const required: [keyof typeof env, string][] = [
      ["DATABASE_URL", "production needs a real PostgreSQL"],
      ["APP_SECRET", "production signs sessions and stream tokens with it"],
      ["PUBLIC_BASE_URL", "Twilio must reach the relay at a public https URL"],
    ];
    for (const [key, why] of required) {
      if (!env[key]) ctx.addIssue({ code: "custom", path: [key], message: `is required when NODE_ENV=production (${why})` });
    }
    if (env.TWILIO_ACCOUNT_SID && !env.TWILIO_AUTH_TOKEN) {
      ctx.addIssue({ code: "custom", path: ["TWILIO_AUTH_TOKEN"], message: "is required when TWILIO_ACCOUNT_SID is set" });
    }
    if (env.PINECONE_API_KEY && !env.PINECONE_INDEX_HOST) {
      ctx.addIssue({ code: "custom", path: ["PINECONE_INDEX_HOST"], message: "is required when PINECONE_API_KEY is set" });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

/** The names of every environment variable in the schema. */
export const ENV_VARIABLES: readonly string[] = Object.keys(EnvShape);

/** Thrown when the environment is invalid; `message` lists one line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export interface StripeConfig {
  secretKey: string;
  webhookSecret: string;
  apiBaseUrl: string | undefined;
  /** The subscription price of each paid plan (STRIPE_PRICE_*); a plan without one cannot be bought. */
  prices: { starter: string | undefined; pro: string | undefined; enterprise: string | undefined };
  /** Metered price of the minutes past a plan's included ones, added to every checkout when set. */
  overageMinutesPrice: string | undefined;
  meterEventName: string;
}

export interface AppConfig {
  env: "development" | "test" | "production";
  logLevel: Env["LOG_LEVEL"];
  host: string;
  /** The PORT variable, which overrides the port of whichever process reads it. */
  port: number | undefined;
  ports: { api: number; realtime: number; dashboard: number; worker: number; widgetDemo: number };
  databaseUrl: string | undefined;
  databasePoolMax: number;
  redisUrl: string | undefined;
  cachePrefix: string;
  /** Signs sessions, stream tokens and widget tokens. */
  appSecret: string;
  /** Origin Twilio reaches the relay at; the stream URL is derived from it. */
  publicBaseUrl: string;
  apiPublicUrl: string;
  dashboardUrl: string;
  twilio: { accountSid: string | undefined; authToken: string; apiBaseUrl: string | undefined; configured: boolean };
  openai: {
    apiKey: string | undefined;
    baseUrl: string | undefined;
    realtimeUrl: string;
    realtimeModel: string;
    transcriptionModel: string;
    embeddingModel: string;
    /** Width asked of text-embedding-3 models; stored vectors are zero-padded to 1536. */
    embeddingDimensions: number;
    analysisModel: string;
  };
  knowledge: {
    /** Longest a search waits for its query's embedding before answering from full text. */
    queryEmbeddingBudgetMs: number;
  };
  pinecone: { apiKey: string; indexHost: string; controllerUrl: string | undefined } | undefined;
  /** Billing with Stripe; undefined (billing off) without STRIPE_SECRET_KEY. */
  stripe: StripeConfig | undefined;
  /** The plan a new business starts on (every business's, while billing is off). */
  billing: { defaultPlan: Env["BILLING_DEFAULT_PLAN"]; graceDays: number };
  limits: { maxCallsPerInstance: number; drainTimeoutMs: number };
  /** Outgoing mail: SMTP when smtpUrl is set, otherwise the console. */
  mail: { smtpUrl: string | undefined; from: string };
  /**
   * Which proxies in front of the API to believe about the client's address (X-Forwarded-For):
   * a hop count, or a list of addresses/subnets (Express's "trust proxy"); false when unset.
   */
  trustProxy: number | string[] | false;
  /** Whether `npm run start -w api` also runs the job worker (off when workers run apart). */
  apiJobWorker: boolean;
  /** Bytes the API may keep of GET /v1/calls pages (API_CALLS_CACHE_MB); 0: no cache. */
  callsCacheBytes: number;
  /** SIGTERM: how long readiness reports 503 before the listener closes, and how long the API waits for requests. */
  shutdown: { delayMs: number; apiDrainTimeoutMs: number };
  /** Bearer token /metrics asks for; unset: open. */
  metricsToken: string | undefined;
  /** How long a deleted business is kept before the retention pass purges it. */
  deletedBusinessGraceMs: number;
  /** Whether webhooks may target loopback/private addresses (default: outside production only). */
  webhooks: { allowPrivateTargets: boolean };
  /** OpenTelemetry traces go to this OTLP/HTTP endpoint; unset: no tracing at all. */
  otel: { endpoint: string | undefined; serviceName: string | undefined };
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = String(i.path[0] ?? "environment");
        const given = source[key];
        return `${key} ${i.message}${given !== undefined && given !== "" ? ` (got "${redact(key, given)}")` : ""}`;
      }),
    );
  }
  const e = parsed.data;
  const host = e.HOST === "0.0.0.0" || e.HOST === "::" ? "localhost" : e.HOST;
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    port: e.PORT,
    ports: { api: e.API_PORT, realtime: e.REALTIME_PORT, dashboard: e.DASHBOARD_PORT, worker: e.WORKER_PORT, widgetDemo: e.WIDGET_DEMO_PORT },
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    redisUrl: e.REDIS_URL,
    cachePrefix: e.CACHE_PREFIX,
    appSecret: e.APP_SECRET ?? DEV_SECRET,
    publicBaseUrl: stripSlash(e.PUBLIC_BASE_URL ?? `http://${host}:${e.REALTIME_PORT}`),
    apiPublicUrl: stripSlash(e.API_PUBLIC_URL ?? `http://${host}:${e.API_PORT}`),
    dashboardUrl: stripSlash(e.DASHBOARD_URL ?? `http://${host}:${e.DASHBOARD_PORT}`),
    twilio: {
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN ?? DEV_TWILIO_AUTH_TOKEN,
      apiBaseUrl: e.TWILIO_API_BASE_URL,
      configured: Boolean(e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN),
    },
    openai: {
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      realtimeUrl: e.OPENAI_REALTIME_URL ?? "wss://api.openai.com/v1/realtime",
      realtimeModel: e.OPENAI_REALTIME_MODEL,
      transcriptionModel: e.OPENAI_TRANSCRIPTION_MODEL,
      embeddingModel: e.OPENAI_EMBEDDING_MODEL,
      embeddingDimensions: e.OPENAI_EMBEDDING_DIMENSIONS,
      analysisModel: e.OPENAI_ANALYSIS_MODEL,
    },
    knowledge: { queryEmbeddingBudgetMs: e.KNOWLEDGE_QUERY_EMBEDDING_BUDGET_MS },
    pinecone:
      e.PINECONE_API_KEY && e.PINECONE_INDEX_HOST
        ? { apiKey: e.PINECONE_API_KEY, indexHost: e.PINECONE_INDEX_HOST, controllerUrl: e.PINECONE_CONTROLLER_URL }
        : undefined,
    stripe: e.STRIPE_SECRET_KEY
      ? {
          secretKey: e.STRIPE_SECRET_KEY,
          webhookSecret: e.STRIPE_WEBHOOK_SECRET ?? "",
          apiBaseUrl: e.STRIPE_API_BASE_URL,
          prices: { starter: e.STRIPE_PRICE_STARTER, pro: e.STRIPE_PRICE_PRO, enterprise: e.STRIPE_PRICE_ENTERPRISE },
          overageMinutesPrice: e.STRIPE_PRICE_OVERAGE_MINUTES,
          meterEventName: e.STRIPE_METER_EVENT_NAME,
        }
      : undefined,
    billing: { defaultPlan: e.BILLING_DEFAULT_PLAN, graceDays: e.BILLING_GRACE_DAYS },
    limits: { maxCallsPerInstance: e.MAX_CALLS_PER_INSTANCE, drainTimeoutMs: e.DRAIN_TIMEOUT_MS },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    apiJobWorker: e.API_JOB_WORKER === "on",
    callsCacheBytes: e.API_CALLS_CACHE_MB * 1024 * 1024,
    shutdown: { delayMs: e.SHUTDOWN_DELAY_MS, apiDrainTimeoutMs: e.API_DRAIN_TIMEOUT_MS },
    metricsToken: e.METRICS_TOKEN,
    deletedBusinessGraceMs: e.DELETED_BUSINESS_GRACE_DAYS * 24 * 3600_000,
    webhooks: { allowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? e.NODE_ENV !== "production" },
    otel: { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME },
  };
}

/** True when the app runs on the built-in development secret (warn loudly). */
export function usesDevSecret(config: AppConfig): boolean {
  return config.appSecret === DEV_SECRET;
}

function parseTrustProxy(value: string | undefined): number | string[] | false {
  if (value === undefined) return false;
  if (/^\d{1,2}$/.test(value)) return Number(value) === 0 ? false : Number(value);
  return value.split(",").map((p) => p.trim());
}

function stripSlash(u: string): string {
  return u.replace(/\/+$/, "");
}

function redact(key: string, value: string): string {
  if (/KEY|SECRET|TOKEN|PASSWORD/.test(key)) return "***";
  if (key.endsWith("_URL")) return value.replace(/\/\/([^@/]*)@/, "//***@");
  return value.length > 60 ? value.slice(0, 57) + "..." : value;
}
