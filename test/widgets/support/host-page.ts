// A plain web site on its own local origin that embeds the widgets the way a site owner
// would (the snippet from the README), with hostile CSS of its own to prove the widgets'
// shadow DOM keeps styles apart in both directions.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface HostSite {
  origin: string;
  setPage(html: string): void;
  close(): Promise<void>;
}

export async function startHostSite(): Promise<HostSite> {
  let page = "<!doctype html><title>empty</title>";
  const server: Server = createServer((req, res) => {
    if (req.url === "/favicon.ico") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(page);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  // "localhost" rather than 127.0.0.1: another origin than the API's, as on a real site.
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    setPage: (html) => void (page = html),
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Host CSS that would wreck any widget it could reach, and markup that shares the widgets' class names. */
export const HOSTILE_CSS = `
  * { color: rgb(255, 0, 0) !important; font-family: "Courier New", monospace !important; letter-spacing: 3px; }
  p, li, button, input, table, section, ul { background: rgb(255, 0, 0) !important; }
  frontdesk-knowledge, frontdesk-call-log { display: block; margin: 16px 0; }
`;

export function embedPage(opts: { apiUrl: string; knowledgeKey: string; callLogKey: string; token?: string; locale?: string; script?: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rosa's Bakery</title>
<style>${HOSTILE_CSS}</style>
<script src="${opts.apiUrl}/widgets/v1/knowledge.js" async></script>
<script src="${opts.apiUrl}/widgets/v1/call-log.js" async></script>
</head><body>
<h1>Rosa's Bakery</h1>
<ul class="results" id="host-list"><li class="cat">host list item</li></ul>
<frontdesk-knowledge key="${opts.knowledgeKey}"${opts.locale ? ` locale="${opts.locale}"` : ""} style="--fd-color-accent: rgb(0, 128, 0)"></frontdesk-knowledge>
<frontdesk-call-log key="${opts.callLogKey}" page-size="5"${opts.locale ? ` locale="${opts.locale}"` : ""}${opts.token ? ` token="${opts.token}"` : ""}></frontdesk-call-log>
${opts.script ? `<script>${opts.script}</script>` : ""}
</body></html>`;
}
