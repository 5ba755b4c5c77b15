// The API as an Express app: createApiApp(deps) wires the middleware chain in its one order
// — request id, CORS, route match (from openapi.yaml), authenticate, tenant, rate limit, body,
// validation, handler, problem+json — plus /healthz, /readyz, /metrics, /docs, /openapi.yaml and the widget scripts (/widgets/v1/*).
import { fileURLToPath } from "node:url";
import express, { type Express, type RequestHandler } from "express";
import cookieParser from "cookie-parser";
import swaggerUi from "swagger-ui-express";
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Db } from "@frontdesk/core/db/client";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Logger } from "@frontdesk/core/observability/logger";
import { createMetricsRegistry, type Registry } from "@frontdesk/core/observability/metrics";
import { createLoginThrottle } from "@frontdesk/core/auth/login-throttle";
import { DEFAULT_PASSWORD_COST } from "@frontdesk/core/auth/password";
import { createKnowledgeService } from "@frontdesk/core/knowledge/knowledge-service";
import { createMailer, type Mailer } from "@frontdesk/core/mail/mailer";
import { systemResolver, type Resolver } from "@frontdesk/core/webhooks/post-webhook";
import { createTwilioNumbers } from "@frontdesk/core/telephony/twilio-numbers";
import { createStripe, type Stripe } from "@frontdesk/core/billing/stripe-client";
import { applyStripeEvent } from "@frontdesk/core/billing/apply-stripe-event";
import { stripeWebhook } from "./routes/stripe-webhook.ts";
import { createTwilioDialer } from "@frontdesk/core/telephony/twilio-dial";
import { createTwilioRecordings } from "@frontdesk/core/telephony/twilio-recordings";
import { loadSpec, matchOperation, type LoadedSpec } from "./spec/spec.ts";
import { requestId } from "./http/request-id.ts";
import { cors } from "./http/cors.ts";
import { errorHandler, problemBody, sendProblem } from "./http/problem.ts";
import { responseValidator } from "./http/validation.ts";
import { requestValidator } from "./http/request-validator.ts";
import { rejectMalformedBody, rejectMalformedUrl } from "./http/well-formed.ts";
import { jsonBody } from "./http/json-body.ts";
import { operationDispatcher } from "./http/operation.ts";
import { chain } from "./http/chain.ts";
import { requestMetrics } from "./http/metrics.ts";
import { widgetScripts } from "./http/widget-scripts.ts";
import { authenticate } from "./auth/authenticate.ts";
import { createKeyResolver } from "./auth/key-resolver.ts";
import { createSessionStore } from "./auth/session-store.ts";
import { createTenantScopes, resolveTenant } from "./auth/resolve-tenant.ts";
import { createRateLimiter, type RateLimitSettings } from "./limits/rate-limit.ts";
import { runIdempotent } from "./limits/idempotency.ts";
import { allOperations } from "./routes/index.ts";
import { accountsOn, type ApiServices, type KnowledgeApi } from "./services.ts";
import { createReadPool, type ReadPool } from "./read/read-pool.ts";
import { createListenedCallsCache } from "./read/listened-calls-cache.ts";
import { createDrain, type Drain } from "./http/drain.ts";
import { apiAccessLog } from "./http/access-log.ts";
import { traceRequests } from "./http/tracing.ts";
import { metricsAuthorized } from "@frontdesk/core/observability/metrics-auth";

export interface ApiAppDeps {
  config: AppConfig;
  db: Db;
  cache: Cache;
  logger: Logger;
  /** The knowledge engine; built from db/cache/config when not given. */
  knowledge?: KnowledgeApi;
  metrics?: Registry;
  /** Validate every response against the spec too (tests): a mismatch becomes a 500. */
  validateResponses?: boolean;
  rateLimits?: Partial<RateLimitSettings>;
  loginThrottle?: { maxFailuresPerAccount?: number; maxFailuresPerIp?: number; windowMs?: number };
  passwordCost?: number;
  /** The Stripe SDK; made from config.stripe when not given. */
  stripe?: Stripe;
  /** Host name resolution for webhook deliveries (tests stand in for DNS). */
  resolveHost?: Resolver;
  /** node-postgres pool for hot reads; made from config.databaseUrl when not given. */
  readPool?: ReadPool;
  /** Called after knowledge writes queue index jobs (a local worker's kick()). */
  onJobsQueued?: () => void;
  spec?: LoadedSpec;
  /** How long a request body may take to arrive before a 408 (default 30 s). */
  bodyTimeoutMs?: number;
  /** Outgoing mail; made from config.mail (SMTP or the console) when not given. */
  mailer?: Mailer;
  /** Where the built widget scripts are (widgets/dist of this checkout when not given). */
  widgetsDir?: string;
  /** Reconnection and heartbeat timing of the calls page cache's listener (read/calls-change-listener.ts). */
  callsCacheListener?: { minBackoffMs?: number; maxBackoffMs?: number; heartbeatMs?: number };
  /** Wrap each request in an OpenTelemetry span (default: when OTEL_EXPORTER_OTLP_ENDPOINT is set). */
  tracing?: boolean;
}

export interface ApiApp {
  app: Express;
  services: ApiServices;
  spec: LoadedSpec;
  /** SIGTERM handling: readiness, event streams, in-flight requests (main.ts). */
  drain: Drain;
  metrics: Registry;
  close(): Promise<void>;
}

export function createApiApp(deps: ApiAppDeps): ApiApp {
  const { config, db, cache, logger } = deps;
  const spec = deps.spec ?? loadSpec();
  const metrics = deps.metrics ?? createMetricsRegistry("api");
  const secureCookies = config.env === "production" || config.apiPublicUrl.startsWith("https:");
  const keys = createKeyResolver({ db, cache, appSecret: config.appSecret, logger });
  const sessions = createSessionStore(db, { cache, logger });
  if (!deps.readPool && !config.databaseUrl) throw new Error("createApiApp needs config.databaseUrl (or a readPool)");
  const readPool = deps.readPool ?? createReadPool(config.databaseUrl!, Math.max(2, Math.ceil(config.databasePoolMax / 2)));
  // GET /v1/calls pages kept in process, dropped on Postgres's change notifications: needs the
  // database's URL for its listening connection (none when the pool was handed in).
  const callsPages = config.callsCacheBytes > 0 && config.databaseUrl && !deps.readPool
    ? createListenedCallsCache({ maxBytes: config.callsCacheBytes, metrics, logger, listener: { ...deps.callsCacheListener, url: config.databaseUrl } })
    : undefined;
  let throttleWarnedAt = 0;
  const knowledge = deps.knowledge ?? createKnowledgeService({ db, cache, config, logger, onJobsQueued: deps.onJobsQueued });
  const now = () => new Date();
  const mailer = deps.mailer ?? createMailer(config.mail, { logger });
  const drain = createDrain();
  const stripe = deps.stripe ?? (config.stripe ? createStripe(config.stripe) : undefined);
  const services: ApiServices = {
    tenant: {
      config,
      cache,
      logger,
      mailer,
      now,
      keys,
      resolveHost: deps.resolveHost ?? systemResolver,
      allowPrivateWebhookTargets: config.webhooks.allowPrivateTargets,
      twilioNumbers: createTwilioNumbers(config),
      billing: {
        policy: config.billing,
        stripe: stripe && config.stripe ? { stripe, config: config.stripe, returnUrl: `${config.dashboardUrl}/billing` } : undefined,
      },
      twilioDialer: createTwilioDialer(config),
      twilioRecordings: createTwilioRecordings(config),
    },
    user: {
      config,
      cache,
      logger,
      mailer,
      now,
      accounts: accountsOn(db, config.billing.defaultPlan),
      sessions,
      loginThrottle: createLoginThrottle({
        cache,
        ...deps.loginThrottle,
        onError: (err) => {
          if (Date.now() - throttleWarnedAt < 10_000) return;
          throttleWarnedAt = Date.now();
          logger.warn({ err: String(err) }, "login throttle unavailable (cache down); logins are not throttled");
        },
      }),
      passwordCost: deps.passwordCost ?? DEFAULT_PASSWORD_COST,
      secureCookies,
      databaseReachable: () => db.$queryRaw`SELECT 1`.then(() => true, () => false),
      draining: drain.draining,
    },
  };

  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  // Behind the dashboard's /api proxy or a load balancer, req.ip is the client's address from
  // X-Forwarded-For, believed only as far as TRUST_PROXY says (off by default).
  app.set("trust proxy", config.trustProxy);
  // Each group of middleware is one Express layer (http/chain.ts), in the order listed.
  app.use(chain(requestId(), apiAccessLog(logger), (deps.tracing ?? Boolean(config.otel.endpoint)) && traceRequests(), drain.middleware, requestMetrics(metrics)));
  // Stripe signs the raw body: its webhook comes before the JSON parser and the spec matcher.
  if (stripe && config.stripe) {
    const sync = { db, cache, logger, stripe, config: config.stripe, policy: config.billing };
    app.use(stripeWebhook({ logger, stripe, webhookSecret: config.stripe.webhookSecret, apply: (event) => applyStripeEvent(sync, event) }));
  }

  // Operational routes, outside /v1 and its auth.
  app.get("/openapi.yaml", (_req, res) => void res.type("application/yaml").send(spec.text));
  app.get("/openapi.json", (_req, res) => void res.json(spec.document));
  // Swagger UI tries requests against this instance first, then the contract's own servers.
  const docsDocument = { ...spec.document, servers: [{ url: config.apiPublicUrl, description: "This frontdesk" }, ...(spec.document.servers ?? [])] };
  app.use("/docs", swaggerUi.serve, swaggerUi.setup(docsDocument, { customSiteTitle: "frontdesk API" }) as RequestHandler);
  app.get("/metrics", async (req, res) => {
    if (!metricsAuthorized(req.headers.authorization, config.metricsToken)) return void res.status(401).set("WWW-Authenticate", "Bearer").end();
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  app.use(widgetScripts(deps.widgetsDir ?? fileURLToPath(new URL("../../widgets/dist/", import.meta.url))));

  const dashboardOrigins = new Set([new URL(config.dashboardUrl).origin]);
  const sessionOrigins = new Set([...dashboardOrigins, new URL(config.apiPublicUrl).origin]);
  const matchRoute: RequestHandler = (req, res, next) => {
    const match = matchOperation(spec, req.method, req.path);
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("X-Content-Type-Options", "nosniff");
    if (!match.op) {
      if (match.methods.length) {
        res.setHeader("Allow", match.methods.join(", "));
        return sendProblem(res, problemBody(405, "method_not_allowed", `This route accepts ${match.methods.join(", ")}.`, String(res.getHeader("Request-Id"))));
      }
      return sendProblem(res, problemBody(404, "route_not_found", `No route ${req.method} ${req.path}.`, String(res.getHeader("Request-Id"))));
    }
    req.fd = { op: match.op, params: match.params, principal: { kind: "anonymous" } };
    // Express 5 parses the query string again on every read of req.query: once is enough.
    Object.defineProperty(req, "query", { value: req.query, writable: true, configurable: true, enumerable: true });
    next();
  };
  app.use(
    chain(
      cors({ dashboardOrigins }),
      matchRoute,
      rejectMalformedUrl(),
      cookieParser(),
      authenticate({ keys, sessions, appSecret: config.appSecret, sessionOrigins, secureCookies }),
      resolveTenant({ db, scope: createTenantScopes({ db, pool: readPool, knowledge, callsPages: callsPages?.cache }) }),
      createRateLimiter({ cache, logger, settings: deps.rateLimits }),
      jsonBody({ timeoutMs: deps.bodyTimeoutMs }),
      rejectMalformedBody(),
      requestValidator(spec),
      deps.validateResponses && responseValidator(spec),
      operationDispatcher(spec, allOperations, services, runIdempotent, { viaResJson: deps.validateResponses ?? false }),
    ),
  );
  app.use(errorHandler(logger));

  return {
    app,
    services,
    spec,
    drain,
    metrics,
    async close() {
      await callsPages?.close();
      await keys.close();
      if (!deps.mailer) mailer.close();
      await sessions.close();
      if (!deps.readPool) await readPool.end();
    },
  };
}
