// `/api/*` → the API, streamed both ways: uploads are not buffered and the live event stream
// (SSE) reaches the browser as the API writes it. The session cookie stays on this origin.
import type { RequestEvent } from "@sveltejs/kit";
import { apiInternalUrl, forwardingHeaders } from "./upstream";
import { metrics } from "./metrics";

// Hop-by-hop headers, and those that no longer describe the body once fetch has decoded it.
const DROP_REQUEST = ["host", "connection", "keep-alive", "transfer-encoding", "upgrade", "content-length", "accept-encoding"];
const DROP_RESPONSE = ["connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length"];

export async function proxyToApi(event: RequestEvent): Promise<Response> {
  // Only the public REST API: the API's own probes and /metrics stay on the private network.
  if (!event.url.pathname.startsWith("/api/v1/")) return problem(404, "route_not_found", "The dashboard proxies only /api/v1/…");
  const target = apiInternalUrl() + event.url.pathname.replace(/^\/api/, "") + event.url.search;
  const headers = new Headers(event.request.headers);
  for (const h of DROP_REQUEST) headers.delete(h);
  forwardingHeaders(event, headers);
  const method = event.request.method;
  const hasBody = method !== "GET" && method !== "HEAD";
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method,
      headers,
      body: hasBody ? event.request.body : undefined,
      redirect: "manual",
      signal: event.request.signal,
      // @ts-expect-error Node's fetch needs `duplex` to stream a request body.
      duplex: hasBody ? "half" : undefined,
    });
  } catch (err) {
    metrics.proxyErrors++;
    return problem(502, "unavailable", "The dashboard cannot reach the frontdesk API right now; try again in a moment.");
  }
  const out = new Headers();
  upstream.headers.forEach((value, key) => {
    if (key === "set-cookie" || DROP_RESPONSE.includes(key)) return;
    out.set(key, value);
  });
  for (const c of upstream.headers.getSetCookie()) out.append("set-cookie", c);
  // An unencoded body (a call recording's MP3) reaches the browser as it left the API, so its
  // length is known: the audio player shows the duration and the download its progress.
  const length = upstream.headers.get("content-length");
  if (length && !upstream.headers.has("content-encoding")) out.set("content-length", length);
  if ((upstream.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    out.set("cache-control", "no-cache, no-transform");
    out.set("x-accel-buffering", "no");
  }
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: out });
}

function problem(status: number, code: string, detail: string): Response {
  return new Response(JSON.stringify({ type: "about:blank", title: status === 404 ? "Not found" : "API unavailable", status, code, detail }), {
    status,
    headers: { "content-type": "application/problem+json" },
  });
}
