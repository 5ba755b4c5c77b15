// Where webhooks may be sent. In production only to https URLs on public addresses: never to
// loopback, private, link-local (cloud metadata) or carrier-grade NAT addresses, whether named
// literally in the URL (checked here) or reached through a host name (post-webhook.ts checks
// every resolved address, and every redirect). WEBHOOK_ALLOW_PRIVATE_TARGETS lifts this for
// development and tests, which deliver to local servers.
import { isIP } from "node:net";

function privateV4(ip: string): boolean {
  const [a, b] = ip.split(".").map(Number) as [number, number];
  return (
    a === 0 || a === 10 || a === 127 || a >= 224 || // this network, private, loopback, multicast/reserved
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 198 && (b === 18 || b === 19)) // benchmarking
  );
}

/** True for an IP address a webhook must not reach in production. */
export function isPrivateAddress(ip: string): boolean {
  const host = ip.replace(/^\[|\]$/g, "").toLowerCase();
  const kind = isIP(host);
  if (kind === 4) return privateV4(host);
  if (kind !== 6) return true;
  if (host === "::1" || host === "::") return true;
  if (/^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith("ff")) return true; // unique-local, link-local, multicast
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host) ?? /^64:ff9b::(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  if (mapped) return privateV4(mapped[1]!);
  if (/^::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}$/.test(host)) return true; // mapped, written in hex: refuse rather than decode
  return false;
}

/** True when the URL names an inward host literally (an address, or a name that is local by definition). */
export function isPrivateTarget(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  } catch {
    return true;
  }
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal") || host.endsWith(".local")) return true;
  return isIP(host) ? isPrivateAddress(host) : false;
}

export function webhookTargetProblem(url: string, allowPrivate: boolean): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "must be an absolute http(s) URL";
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return "must be an http(s) URL";
  if (u.username || u.password) return "must not carry credentials";
  if (!allowPrivate && u.protocol !== "https:") return "must use https";
  if (!allowPrivate && isPrivateTarget(url)) return "must not point at a private or loopback address";
  return null;
}
