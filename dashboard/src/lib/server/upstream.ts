// Where the API lives from the dashboard server's point of view, and the headers every
// request to it carries so the API sees the browser's origin and address, not ours.
import type { RequestEvent } from "@sveltejs/kit";

/** The API as reached from this process (private network), default the local API. */
export function apiInternalUrl(): string {
  const fallback = `http://127.0.0.1:${process.env.API_PORT ?? 3000}`;
  return (process.env.API_INTERNAL_URL || fallback).replace(/\/+$/, "");
}

/** Where browsers and integrators reach the API (widget scripts, /docs). */
export function apiPublicUrl(): string {
  return (process.env.API_PUBLIC_URL || `http://127.0.0.1:${process.env.API_PORT ?? 3000}`).replace(/\/+$/, "");
}

/** The business the user picked in the dashboard (only sent when they belong to several). */
export const BUSINESS_COOKIE = "fd_business";

/**
 * Forwarding headers: the browser's Origin (or the dashboard's own for server-made calls),
 * the client address appended to X-Forwarded-For, the scheme and host the browser used.
 */
export function forwardingHeaders(event: RequestEvent, headers: Headers): Headers {
  const incoming = event.request.headers;
  headers.set("origin", incoming.get("origin") ?? event.url.origin);
  let client = "";
  try {
    client = event.getClientAddress();
  } catch {
    client = "";
  }
  const chain = incoming.get("x-forwarded-for");
  if (client) headers.set("x-forwarded-for", chain ? `${chain}, ${client}` : client);
  headers.set("x-forwarded-proto", event.url.protocol.replace(":", ""));
  headers.set("x-forwarded-host", event.url.host);
  const business = event.cookies.get(BUSINESS_COOKIE);
  if (business && !headers.has("frontdesk-business")) headers.set("frontdesk-business", business);
  return headers;
}
