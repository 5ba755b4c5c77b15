// The realtime relay: Twilio's voice webhook and status callback, the Media Streams socket
// and the browser test-call socket, health and metrics. A factory, so `npm start` can host
// it beside the API in one process and `realtime/src/main.ts` can run it alone.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import express from "express";
import { WebSocketServer } from "ws";
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Db } from "@frontdesk/core/db/client";
import type { Logger } from "@frontdesk/core/observability/logger";
import type { Registry } from "@frontdesk/core/observability/metrics";
import type { KnowledgeSearch } from "@frontdesk/core/knowledge/knowledge-search";
import { LiveCalls } from "./admission/live-calls.ts";
import { relayAccessLog } from "./http/access-log.ts";
import { createRelayMetrics } from "./metrics.ts";
import { healthRoutes } from "./http/health.ts";
import { voiceWebhook } from "./http/voice-webhook.ts";
import { statusCallback } from "./http/status-callback.ts";
import { streamEnded } from "./http/stream-ended.ts";
import { createStreamExits } from "./transports/stream-exits.ts";
import { callTranscriptFeed } from "./http/call-transcript-feed.ts";
import { acceptTwilioStream } from "./http/twilio-stream.ts";
import { acceptBrowserStream, checkBrowserUpgrade } from "./http/browser-stream.ts";
import { isSignedByTwilio, streamUrl } from "./http/twilio-signature.ts";
import { AGENT_TOOL_REGISTRY } from "./tools/index.ts";
import type { AgentTool } from "./tools/tool.ts";
import { createTwilioCalls } from "@frontdesk/core/telephony/twilio-calls";
import { AMD_CALLBACK_PATH, RECORDING_STATUS_PATH, STATUS_CALLBACK_PATH, VOICE_WEBHOOK_PATH, twilioWebhookUrls } from "@frontdesk/core/telephony/webhook-urls";
import { createTwilioRecordings } from "@frontdesk/core/telephony/twilio-recordings";
import { createCallControl } from "./admission/call-control.ts";
import { answeringMachineCallback } from "./http/answering-machine-callback.ts";
import { recordingStatusCallback } from "./http/recording-status.ts";
import { prepareModel } from "./model/prepare.ts";
import { runCall, type CallHooks, type CallTimings } from "./session/run-call.ts";

export interface RealtimeServerDeps {
  config: AppConfig;
  db: Db;
  cache: Cache;
  logger: Logger;
  knowledge: KnowledgeSearch;
  /** The agent's tool registry (defaults to every tool shipped in realtime/src/tools). */
  tools?: readonly AgentTool[];
  hooks?: CallHooks;
  /** Shorter time limits and reconnect waits (tests); production uses the agent settings. */
  timings?: CallTimings;
}

export interface RealtimeServer {
  server: Server;
  listen(port: number, host?: string): Promise<{ port: number }>;
  /** Refuses new calls and streams, and resolves when live calls have ended (or the drain timeout passed). */
  drain(): Promise<void>;
  /** Ends every call now and stops listening. */
  close(): Promise<void>;
  metrics: Registry;
  readonly liveCalls: number;
}

export function createRealtimeServer(deps: RealtimeServerDeps): RealtimeServer {
  const { config, db, cache, logger } = deps;
  const tools = deps.tools ?? AGENT_TOOL_REGISTRY;
  const hooks = deps.hooks ?? {};
  const liveCalls = new LiveCalls(config.limits.maxCallsPerInstance, cache);
  const metrics = createRelayMetrics(() => liveCalls.liveCount);
  const rest = createTwilioCalls(config);
  const recordings = createTwilioRecordings(config);
  const exits = createStreamExits(cache);
  const control = createCallControl({ cache, liveCalls, logger });
  let draining = false;

  const callDeps = { config, db, cache, logger, knowledge: deps.knowledge, liveCalls, tools, metrics, hooks, timings: deps.timings };
  const run = (call: Parameters<typeof runCall>[1]) =>
    runCall(callDeps, call).catch((err) => logger.error({ err, callSid: call.context.callSid }, "call failed"));

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  app.use(relayAccessLog(logger));
  const form = express.urlencoded({ extended: false, limit: "64kb" });
  app.post(
    VOICE_WEBHOOK_PATH,
    form,
    voiceWebhook({
      db, cache, config, logger, metrics, liveCalls,
      draining: () => draining,
      prepareModel: (context) => prepareModel({ config, logger: logger.child({ callSid: context.callSid }), tools }, context),
    }),
  );
  app.post(STATUS_CALLBACK_PATH, form, statusCallback({ config, db, cache, liveCalls, logger }));
  app.post("/twilio/stream-ended", form, streamEnded({ config, exits, logger }));
  app.post(AMD_CALLBACK_PATH, form, answeringMachineCallback({ config, db, control, rest, logger }));
  app.post(RECORDING_STATUS_PATH, form, recordingStatusCallback({ config, db, logger }));
  // For `npm run call`: a simulated caller's view of the transcript (never in production).
  if (config.env !== "production") app.get("/simulator/calls/:callSid/events", callTranscriptFeed({ config, db, cache }));
  app.use(healthRoutes({ db, cache, registry: metrics.registry, draining: () => draining, metricsToken: config.metricsToken }));
  app.use((_req, res) => {
    res.status(404).type("text/plain").send("Not Found");
  });
  app.use((err: Error & { status?: number; type?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) logger.error({ err }, "request failed");
    res.status(status).type("text/plain").send(status === 413 ? "Payload Too Large" : status === 500 ? "Internal Server Error" : "Bad Request");
  });

  const server = createServer(app);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, skipUTF8Validation: true, maxPayload: 256 * 1024 });
  const twilioStreamUrl = streamUrl(config.publicBaseUrl);
  const dashboardOrigin = new URL(config.dashboardUrl).origin;

  function refuseUpgrade(socket: Duplex, status: number, text: string) {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
  }

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => {});
    const url = req.url ?? "/";
    const path = url.split("?")[0];
    if (path === "/twilio/stream") {
      if (draining) return refuseUpgrade(socket, 503, "Service Unavailable");
      const query = url.includes("?") ? url.slice(url.indexOf("?")) : "";
      const signed = isSignedByTwilio({ authToken: config.twilio.authToken, signature: req.headers["x-twilio-signature"], url: twilioStreamUrl + query, params: {} });
      if (!signed) {
        metrics.streamRejected("bad_signature");
        return refuseUpgrade(socket, 403, "Forbidden");
      }
      return wss.handleUpgrade(req, socket, head, (ws) => {
        void acceptTwilioStream(ws, {
          appSecret: config.appSecret, db, liveCalls, logger, metrics, rest, exits, runCall: run,
          recordings: { client: recordings, statusCallback: twilioWebhookUrls(config).recordingStatusUrl },
        });
      });
    }
    if (path === "/browser/stream") {
      if (draining) return refuseUpgrade(socket, 503, "Service Unavailable");
      void checkBrowserUpgrade({ cache, dashboardOrigin }, url, req.headers.origin).then(
        (check) => {
          if (!check.ok) {
            metrics.streamRejected(check.reason);
            return refuseUpgrade(socket, check.status, check.status === 403 ? "Forbidden" : "Unauthorized");
          }
          wss.handleUpgrade(req, socket, head, (ws) => {
            void acceptBrowserStream(ws, check.upgrade, { config, db, cache, liveCalls, logger, metrics, tools, runCall: run });
          });
        },
        (err: unknown) => {
          logger.warn({ err: String(err) }, "browser stream refused: the ticket could not be checked (cache unavailable)");
          refuseUpgrade(socket, 503, "Service Unavailable");
        },
      );
      return;
    }
    refuseUpgrade(socket, 404, "Not Found");
  });

  return {
    server,
    metrics: metrics.registry,
    get liveCalls() {
      return liveCalls.liveCount;
    },
    listen(port, host = config.host) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const a = server.address();
          resolve({ port: typeof a === "object" && a ? a.port : port });
        });
      });
    },
    async drain() {
      draining = true;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([liveCalls.idle(), new Promise<void>((r) => (timer = setTimeout(r, config.limits.drainTimeoutMs)))]);
      clearTimeout(timer);
    },
    async close() {
      draining = true;
      await liveCalls.endAll("shutdown");
      await control.close();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
