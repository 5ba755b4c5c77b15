// Checks X-Twilio-Signature. The URL is always rebuilt from PUBLIC_BASE_URL (what Twilio
// was told to call), never from Host or proxy headers a caller controls.
import { validateRequest } from "twilio/lib/webhooks/webhooks.js";

export function isSignedByTwilio(opts: {
  authToken: string;
  signature: string | string[] | undefined;
  /** The public URL Twilio requested, with its query string. */
  url: string;
  params: Record<string, unknown>;
}): boolean {
  const sig = Array.isArray(opts.signature) ? opts.signature[0] : opts.signature;
  if (!sig) return false;
  try {
    return validateRequest(opts.authToken, sig, opts.url, opts.params);
  } catch {
    return false;
  }
}

/** The Media Streams URL Twilio connects to: PUBLIC_BASE_URL with a ws scheme. */
export function streamUrl(publicBaseUrl: string, path = "/twilio/stream"): string {
  return publicBaseUrl.replace(/^http(s?):\/\//, "ws$1://") + path;
}

/** The public URL of a request to this server (path and query as received). */
export function publicUrl(publicBaseUrl: string, originalUrl: string): string {
  return publicBaseUrl + originalUrl;
}

/**
 * Checks an HTTP request from Twilio (form params, or none) against PUBLIC_BASE_URL and
 * answers 403 when it is not signed; returns whether the handler may go on.
 */
export function requireTwilioSignature(
  req: { headers: Record<string, string | string[] | undefined>; originalUrl: string; body?: unknown },
  res: { status(code: number): { type(t: string): { send(body: string): unknown } } },
  config: { publicBaseUrl: string; twilio: { authToken: string } },
  params: Record<string, unknown> = (req.body ?? {}) as Record<string, unknown>,
): boolean {
  const signed = isSignedByTwilio({
    authToken: config.twilio.authToken,
    signature: req.headers["x-twilio-signature"],
    url: publicUrl(config.publicBaseUrl, req.originalUrl),
    params,
  });
  if (!signed) res.status(403).type("text/plain").send("Forbidden: missing or invalid X-Twilio-Signature");
  return signed;
}
