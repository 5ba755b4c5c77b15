// The twilio SDK client on the account's credentials. When TWILIO_API_BASE_URL is set the
// SDK's requests go there instead of https://api.twilio.com (a local stand-in in tests).
import twilio from "twilio";
import type { RequestOptions } from "twilio/lib/base/RequestClient.js";

export const TWILIO_API_ORIGIN = "https://api.twilio.com";

/**
 * The SDK's own request client, with the origin swapped for a configured base URL. A custom
 * `httpClient` is the SDK's documented extension point; its edge/region options only rename
 * hosts under twilio.com and cannot reach a plain-http local server.
 */
class BaseUrlRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: URL,
    opts: ConstructorParameters<typeof twilio.RequestClient>[0],
  ) {
    super(opts);
  }

  override request<TData>(opts: RequestOptions<TData>) {
    const target = new URL(opts.uri);
    const base = this.baseUrl;
    const uri = `${base.origin}${base.pathname.replace(/\/+$/, "")}${target.pathname}${target.search}`;
    return super.request<TData>({ ...opts, uri });
  }
}

export function twilioClient(
  creds: { accountSid: string; authToken: string; apiBaseUrl: string | undefined },
  opts: { timeoutMs?: number } = {},
): { client: twilio.Twilio; where: string } {
  const timeout = opts.timeoutMs ?? 10_000;
  // Retry a 429 a few times inside the SDK; anything longer is the caller's decision.
  const retry = { autoRetry: true, maxRetries: 3, maxRetryDelay: 2_000 };
  const { apiBaseUrl } = creds;
  const client = twilio(creds.accountSid, creds.authToken, {
    timeout,
    ...retry,
    ...(apiBaseUrl && apiBaseUrl !== TWILIO_API_ORIGIN
      ? { httpClient: new BaseUrlRequestClient(new URL(apiBaseUrl), { timeout, ...retry }) }
      : {}),
  });
  return { client, where: apiBaseUrl ?? TWILIO_API_ORIGIN };
}
