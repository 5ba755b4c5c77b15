// The widgets under `npm start`: rebuilt when their sources changed since the last build, and
// a local demo page — on an origin of its own, allowed by the demo business's widget key —
// that embeds both. The page's little server also plays the business's backend: it mints
// the call-log widget's token (what a real site does with a secret key and the API).
import { createServer, type Server } from "node:http";
import type { Db } from "@frontdesk/core/db/client";
import { tenantDb } from "@frontdesk/core/db/tenant";
import { createWidgetKey } from "@frontdesk/core/auth/create-widget-key";
import { mintWidgetToken } from "@frontdesk/core/auth/widget-token";
import { builtHash, sourceHash } from "../../widgets/sources.ts";
import { runCommand } from "./run-command.ts";

const DEMO_KEY_NAME = "Local demo page";

export async function buildWidgetsIfStale(): Promise<void> {
  const built = builtHash();
  if (built === sourceHash()) return;
  console.log(built ? "Rebuilding the widgets (their sources changed)…" : "Building the widgets (first start only)…");
  await runCommand("npm", ["run", "build", "-w", "widgets"], { quiet: true });
}

export interface DemoWidgetKey {
  id: string;
  key: string;
  businessId: string;
}

/** The demo business's publishable key for the demo page, allowing the page's origin. */
export async function ensureDemoWidgetKey(db: Db, businessSlug: string, origin: string): Promise<DemoWidgetKey | null> {
  const business = await db.business.findUnique({ where: { slug: businessSlug }, select: { id: true } });
  if (!business) return null;
  const scoped = tenantDb(db, business.id);
  const existing = await scoped.widgetKey.findFirst({ where: { name: DEMO_KEY_NAME, revokedAt: null } });
  const row = !existing
    ? await createWidgetKey(scoped, { name: DEMO_KEY_NAME, allowedOrigins: [origin] })
    : existing.allowedOrigins.includes(origin)
      ? existing
      : await scoped.widgetKey.update({ where: { id: existing.id }, data: { allowedOrigins: [...existing.allowedOrigins, origin] } });
  return { id: row.id, key: row.key, businessId: business.id };
}

function demoPage(apiUrl: string, key: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>frontdesk widgets — demo</title>
<style>body { font: 16px/1.5 Georgia, serif; max-width: 860px; margin: 2rem auto; padding: 0 1rem; color: #333; }
code, pre { background: #f3f3f3; } pre { padding: 0.8rem; overflow-x: auto; } frontdesk-knowledge, frontdesk-call-log { margin: 1rem 0 2rem; }</style>
<script src="${apiUrl}/widgets/v1/knowledge.js" async></script>
<script src="${apiUrl}/widgets/v1/call-log.js" async></script>
</head><body>
<h1>Sunrise Dental — widgets demo</h1>
<p>This page stands for the business's own website (another origin than the API). It embeds:</p>
<pre>&lt;script src="${apiUrl}/widgets/v1/knowledge.js" async&gt;&lt;/script&gt;
&lt;frontdesk-knowledge key="${key}"&gt;&lt;/frontdesk-knowledge&gt;</pre>
<frontdesk-knowledge key="${key}" theme="auto"></frontdesk-knowledge>
<h2>Call log</h2>
<p>With a token minted by the business's backend (here: this page's server, <code>/token</code>), the log also shows masked callers and summaries.</p>
<frontdesk-call-log id="calls" key="${key}" refresh="30"></frontdesk-call-log>
<script>
  // The page asks its own backend for a token whenever the widget needs one.
  customElements.whenDefined("frontdesk-call-log").then(() => {
    document.getElementById("calls").getToken = () => fetch("/token").then((r) => r.text());
  });
</script>
</body></html>`;
}

export async function startWidgetDemo(opts: { host: string; port: number; apiUrl: string; widget: DemoWidgetKey; appSecret: string }): Promise<Server> {
  const page = demoPage(opts.apiUrl, opts.widget.key);
  const server = createServer((req, res) => {
    if (req.url === "/token") {
      const { token } = mintWidgetToken(opts.appSecret, { businessId: opts.widget.businessId, widgetKeyId: opts.widget.id }, { ttlSeconds: 600 });
      return void res.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" }).end(token);
    }
    if (req.url !== "/" && req.url !== "/index.html") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(page);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return server;
}
