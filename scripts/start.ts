// `npm start`: the whole product on one machine with nothing configured. Starts an embedded
// PostgreSQL (unless DATABASE_URL is set), applies migrations, seeds the demo business, then
// runs the API (with the job worker) and the realtime relay in this process — so they share
// the in-process cache when REDIS_URL is unset — and the dashboard as a child process.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { ConfigError, loadConfig, type AppConfig } from "@frontdesk/core/config/env";
import { createLogger } from "@frontdesk/core/observability/logger";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./lib/embedded-postgres.ts";
import { runCommand } from "./lib/run-command.ts";
import { ensureDashboardBuilt } from "./lib/dashboard-build.ts";
import { startProduct, widgetDemoOrigin, type RunningProduct } from "./lib/product.ts";
import { buildWidgetsIfStale, startWidgetDemo } from "./lib/widget-demo.ts";
import { DEMO } from "../prisma/seed.ts";

const STATE_DIR = resolve(process.env.FRONTDESK_STATE_DIR ?? ".frontdesk");
const log = createLogger("start", process.env.LOG_LEVEL ?? "info");

/** A development secret kept across restarts so sessions and tokens stay valid. */
function localSecret(): string {
  const file = resolve(STATE_DIR, "app-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

async function buildDashboardIfChanged(): Promise<void> {
  await ensureDashboardBuilt({ onBuild: () => console.log("Building the dashboard (its sources changed since the last build)…") });
}

/** The API as the dashboard process reaches it: loopback when the API listens on every address. */
function apiInternalUrl(config: AppConfig): string {
  if (process.env.API_INTERNAL_URL) return process.env.API_INTERNAL_URL;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${config.ports.api}`;
}

function startDashboard(config: AppConfig): ChildProcess {
  const child = spawn(process.execPath, ["dashboard/build/index.js"], {
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      PORT: String(config.ports.dashboard),
      HOST: config.host,
      ORIGIN: config.dashboardUrl,
      API_PUBLIC_URL: config.apiPublicUrl,
      API_INTERNAL_URL: apiInternalUrl(config),
    },
  });
  child.on("exit", (code, signal) => {
    if (!shuttingDown) log.error({ code, signal }, "the dashboard process stopped");
  });
  return child;
}

/** Waits until the dashboard answers /healthz, so the URLs printed next already work. */
async function dashboardListening(config: AppConfig, child: ChildProcess): Promise<void> {
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${config.ports.dashboard}/healthz`;
  const until = Date.now() + 60_000;
  while (Date.now() < until && child.exitCode === null) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  log.warn({ url }, "the dashboard did not answer yet");
}

let shuttingDown = false;

async function main() {
  mkdirSync(STATE_DIR, { recursive: true });
  if (!process.env.APP_SECRET && process.env.NODE_ENV !== "production") process.env.APP_SECRET = localSecret();

  let embedded: EmbeddedPostgres | undefined;
  if (!process.env.DATABASE_URL) {
    embedded = await startEmbeddedPostgres(resolve(STATE_DIR, "pgdata"));
    process.env.DATABASE_URL = embedded.url;
    // PGlite is one connection underneath; its socket multiplexer mixes up prepared
    // statements of concurrent clients, so the app uses a single pooled connection.
    process.env.DATABASE_POOL_MAX = "1";
  }
  const config = loadConfigOrExit();

  // Spawned asynchronously: the embedded database is served from this very event loop.
  await runCommand(process.execPath, ["--import", "tsx", "scripts/prisma.ts", "migrate", "deploy"], { quiet: true });
  await buildDashboardIfChanged();
  await buildWidgetsIfStale();

  const product: RunningProduct = await startProduct(config, log);
  const dashboard = startDashboard(config);
  await dashboardListening(config, dashboard);
  // The demo page is a convenience: a busy port costs its line in the summary, nothing more.
  const demoUrl = widgetDemoOrigin(config) + "/";
  const widgetDemo = product.demoWidget
    ? await startWidgetDemo({ host: config.host, port: config.ports.widgetDemo, apiUrl: config.apiPublicUrl, widget: product.demoWidget, appSecret: config.appSecret }).catch((err: Error) => {
        log.warn({ err: err.message }, `widget demo page not started (set WIDGET_DEMO_PORT)`);
        return null;
      })
    : null;

  let stopRequestedAt = 0;
  const stop = async (signal: string) => {
    if (shuttingDown) {
      // Ctrl-C reaches this process twice (directly and relayed by tsx); only a later,
      // deliberate second Ctrl-C forces the exit.
      if (Date.now() - stopRequestedAt < 2000) return;
      console.log("Forced exit.");
      process.exit(1);
    }
    shuttingDown = true;
    stopRequestedAt = Date.now();
    setTimeout(() => {
      console.error("Still stopping after 15 s; exiting anyway.");
      process.exit(1);
    }, 15_000).unref();
    console.log(`\n${signal}: stopping frontdesk…`);
    dashboard.kill("SIGTERM");
    widgetDemo?.closeAllConnections();
    widgetDemo?.close();
    await product.stop();
    await new Promise<void>((r) => (dashboard.exitCode !== null ? r() : dashboard.once("exit", () => r())));
    await embedded?.stop();
    console.log("Stopped.");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  const ai = config.openai.apiKey ? "OpenAI Realtime" : "not configured — set OPENAI_API_KEY (calls hear a polite message)";
  console.log(`
frontdesk is running
  dashboard   ${config.dashboardUrl}
  API         ${config.apiPublicUrl}   (reference: ${config.apiPublicUrl}/docs)
  realtime    ${config.publicBaseUrl}   (Twilio voice webhook: ${config.publicBaseUrl}/twilio/voice)
  database    ${embedded ? `embedded PostgreSQL + pgvector in ${STATE_DIR}/pgdata` : "DATABASE_URL"}
  cache       ${config.redisUrl ? "Redis (REDIS_URL)" : "in-process"}
  voice AI    ${ai}
  demo login  ${DEMO.email} / ${DEMO.password}    demo number ${DEMO.phoneNumber}
${widgetDemo ? `  widgets     ${demoUrl}   (demo page embedding both widgets)\n` : ""}  try a call  npm run call -- --to ${DEMO.phoneNumber} --say "What are your opening hours?"
Press Ctrl-C to stop.
`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
