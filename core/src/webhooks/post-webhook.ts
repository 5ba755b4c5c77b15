// The HTTP POST of a webhook delivery, guarded against SSRF. Host names are resolved by us
// and every address checked before the socket connects (the connection uses the checked
// address, so a name cannot resolve outward for the check and inward for the connect).
// Redirects are followed a few hops, each target checked the same way; the answer's body is
// read up to a cap and the connection dropped after it.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { lookup as dnsLookup } from "node:dns/promises";
import type { LookupFunction } from "node:net";
import { isPrivateAddress, webhookTargetProblem } from "./target-policy.ts";

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to its addresses (the system resolver unless a test hands in its own). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** A target refused by policy (not a network failure). */
export class TargetRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetRefused";
  }
}

export interface PostOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  allowPrivateTargets: boolean;
  timeoutMs: number;
  /** Bytes of the answer read; the rest is never downloaded. */
  bodyLimit: number;
  maxRedirects?: number;
  resolve?: Resolver;
}

export interface PostResult {
  status: number;
  body: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function postWebhook(opts: PostOptions): Promise<PostResult> {
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  let url = opts.url;
  for (let hop = 0; ; hop++) {
    const problem = webhookTargetProblem(url, opts.allowPrivateTargets);
    if (problem) throw new TargetRefused(hop === 0 ? `endpoint URL ${problem}` : `redirect target ${problem}`);
    const res = await postOnce(url, opts, deadline);
    const location = res.headers.location;
    if (REDIRECTS.has(res.statusCode ?? 0) && location && hop < (opts.maxRedirects ?? 3)) {
      res.destroy();
      url = new URL(location, url).toString();
      continue;
    }
    return { status: res.statusCode ?? 0, body: await readCapped(res, opts.bodyLimit) };
  }
}

function guardedLookup(allowPrivate: boolean, resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 4);
        const inward = allowPrivate ? undefined : addresses.find((a) => isPrivateAddress(a.address));
        if (inward) return callback(new TargetRefused(`${hostname} resolves to a private or loopback address (${inward.address})`), "", 4);
        if (options.all) return (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, addresses);
        const wanted = options.family ? addresses.find((a) => a.family === options.family) : addresses[0];
        const pick = wanted ?? addresses[0]!;
        callback(null, pick.address, pick.family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, "", 4),
    );
  };
}

function postOnce(url: string, opts: PostOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const u = new URL(url);
  const request = u.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      {
        method: "POST",
        headers: { ...opts.headers, "content-length": Buffer.byteLength(opts.body) },
        lookup: guardedLookup(opts.allowPrivateTargets, opts.resolve ?? systemResolver),
        signal,
        // One connection per delivery: a pooled socket would skip the address check.
        agent: false,
      },
      resolve,
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

function readCapped(res: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks).subarray(0, limit).toString("utf8"));
    res.on("data", (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (size >= limit) {
        res.destroy();
        done();
      }
    });
    res.on("end", done);
    res.on("error", done);
    res.on("close", done);
  });
}
