// A local server standing in for the part of Stripe's API we call, speaking its wire protocol
// to the real `stripe` SDK (STRIPE_API_BASE_URL): form-encoded bodies with bracketed keys,
// bearer auth, Stripe's object and error shapes. Customers, Checkout Sessions, Customer Portal
// sessions, subscriptions (read) and Billing meter events (deduplicated by `identifier`, as
// Stripe does). A test plays Stripe's side of the story with its helpers — completing a
// checkout, invoicing, failing a payment — which make Stripe's events and deliver them to the
// app's webhook signed with the SDK's test header helper. `outage` makes it answer 503 (or
// accept and then drop the answer) to exercise retries.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import Stripe from "stripe";

type Obj = Record<string, unknown>;

export interface MeterEventRecord {
  identifier: string;
  eventName: string;
  customer: string;
  value: number;
  timestamp: number;
}

export interface StripeStandIn {
  url: string;
  secretKey: string;
  webhookSecret: string;
  customers: Map<string, Obj>;
  checkoutSessions: Map<string, Obj>;
  subscriptions: Map<string, Stripe.Subscription>;
  meterEvents: MeterEventRecord[];
  /** Every request, for assertions (path, decoded params, status answered). */
  requests: { method: string; path: string; params: Obj; status: number }[];
  /** "down": answer 503; "drop-after-accept": record meter events, then answer 500 (the answer is lost). */
  outage: "down" | "drop-after-accept" | null;
  /** Where Stripe delivers events (the app's POST /stripe/webhook). */
  webhookUrl: string | undefined;
  /** Plays the customer paying in Checkout: a subscription on the session's prices, and its events. */
  completeCheckout(sessionId: string): Promise<{ subscription: Stripe.Subscription; events: Stripe.Event[] }>;
  setSubscriptionStatus(subscriptionId: string, status: Stripe.Subscription.Status): Promise<Stripe.Event>;
  /** An invoice for the subscription's period: its plan price plus the metered minutes; paid or not. */
  invoice(subscriptionId: string, outcome: "paid" | "payment_failed"): Promise<{ event: Stripe.Event; minutes: number }>;
  makeEvent(type: string, object: Obj): Stripe.Event;
  /** Signs and POSTs an event to webhookUrl as Stripe would; returns the app's answer. */
  /** `alter` changes the bytes after signing (a tampered delivery). */
  deliver(event: Stripe.Event, opts?: { timestamp?: number; secret?: string; alter?: (payload: string) => string }): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/** Decodes `a[b][0][c]=v` form bodies into nested objects and arrays. */
export function decodeForm(body: string): Obj {
  const out: Obj = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const parts = rawKey.replace(/\]/g, "").split("[");
    let node: Obj = out;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Obj; // numeric keys become arrays in listify
    });
  }
  return listify(out) as Obj;
}

function listify(v: unknown): unknown {
  if (!v || typeof v !== "object") return v;
  const o = v as Obj;
  const keys = Object.keys(o);
  if (keys.length && keys.every((k) => /^\d+$/.test(k))) return keys.sort((a, b) => +a - +b).map((k) => listify(o[k]));
  return Object.fromEntries(keys.map((k) => [k, listify(o[k])]));
}

const id = (prefix: string) => `${prefix}_${randomBytes(10).toString("hex")}`;
const nowSec = () => Math.floor(Date.now() / 1000);

export async function startStripeStandIn(opts: { secretKey?: string; webhookSecret?: string } = {}): Promise<StripeStandIn> {
  const secretKey = opts.secretKey ?? "sk_test_standin";
  const webhookSecret = opts.webhookSecret ?? `whsec_${randomBytes(16).toString("hex")}`;
  const sdk = new Stripe(secretKey);
  const customers = new Map<string, Obj>();
  const checkoutSessions = new Map<string, Obj>();
  const subscriptions = new Map<string, Stripe.Subscription>();
  const meterEvents: MeterEventRecord[] = [];
  const requests: StripeStandIn["requests"] = [];
  let url = "";

  const error = (res: ServerResponse, status: number, type: string, message: string, code?: string) =>
    void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error: { type, message, ...(code ? { code } : {}) } }));

  function route(req: IncomingMessage, path: string, params: Obj, res: ServerResponse): number {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "request-id": id("req") }).end(JSON.stringify(body));
      return status;
    };
    if (stand.outage === "down") return (error(res, 503, "api_error", "Stripe is unavailable (stand-in outage)"), 503);
    // The pages Stripe hosts for the customer (Checkout, the Customer Portal): a browser opens
    // them without an API key.
    const hosted = req.method === "GET" ? /^\/(pay|portal)\/([\w-]+)$/.exec(path) : null;
    if (hosted) {
      const known = hosted[1] === "portal" || checkoutSessions.has(hosted[2]!);
      const title = hosted[1] === "pay" ? "Stripe Checkout" : "Stripe Customer Portal";
      res.writeHead(known ? 200 : 404, { "content-type": "text/html" }).end(`<!doctype html><html lang="en"><link rel="icon" href="data:,"><title>${title}</title><h1>${title}</h1><p>${hosted[2]}</p></html>`);
      return known ? 200 : 404;
    }
    if (req.headers.authorization !== `Bearer ${secretKey}`) return (error(res, 401, "invalid_request_error", "Invalid API Key provided"), 401);

    if (req.method === "POST" && path === "/v1/customers") {
      const c = { id: id("cus"), object: "customer", created: nowSec(), name: params.name ?? null, email: params.email ?? null, metadata: params.metadata ?? {} };
      customers.set(c.id, c);
      return send(200, c);
    }
    if (req.method === "POST" && path === "/v1/checkout/sessions") {
      if (params.mode !== "subscription") return (error(res, 400, "invalid_request_error", "mode must be subscription here"), 400);
      if (typeof params.customer !== "string" || !customers.has(params.customer)) return (error(res, 400, "invalid_request_error", "No such customer", "resource_missing"), 400);
      const sid = id("cs_test");
      const s = {
        id: sid, object: "checkout.session", mode: "subscription", status: "open", url: `${url}/pay/${sid}`,
        customer: params.customer, client_reference_id: params.client_reference_id ?? null, line_items: params.line_items,
        metadata: params.metadata ?? {}, subscription_data: params.subscription_data ?? {}, subscription: null,
        success_url: params.success_url, cancel_url: params.cancel_url, created: nowSec(),
      };
      checkoutSessions.set(sid, s);
      return send(200, s);
    }
    if (req.method === "POST" && path === "/v1/billing_portal/sessions") {
      if (typeof params.customer !== "string" || !customers.has(params.customer)) return (error(res, 400, "invalid_request_error", "No such customer", "resource_missing"), 400);
      const bps = id("bps");
      return send(200, { id: bps, object: "billing_portal.session", customer: params.customer, return_url: params.return_url, url: `${url}/portal/${bps}`, created: nowSec() });
    }
    const sub = /^\/v1\/subscriptions\/([^/]+)$/.exec(path);
    if (req.method === "GET" && sub) {
      const s = subscriptions.get(sub[1]!);
      return s ? send(200, s) : (error(res, 404, "invalid_request_error", `No such subscription: '${sub[1]}'`, "resource_missing"), 404);
    }
    if (req.method === "POST" && path === "/v1/billing/meter_events") {
      const payload = (params.payload ?? {}) as Obj;
      const identifier = String(params.identifier ?? id("mev"));
      if (meterEvents.some((e) => e.identifier === identifier)) {
        return (error(res, 400, "invalid_request_error", `An event with identifier ${identifier} already exists.`, "resource_already_exists"), 400);
      }
      const record = { identifier, eventName: String(params.event_name), customer: String(payload.stripe_customer_id), value: Number(payload.value), timestamp: Number(params.timestamp ?? nowSec()) };
      meterEvents.push(record);
      if (stand.outage === "drop-after-accept") return (error(res, 500, "api_error", "answer lost after the event was recorded"), 500);
      return send(200, { object: "billing.meter_event", created: nowSec(), event_name: record.eventName, identifier, livemode: false, payload: { stripe_customer_id: record.customer, value: String(record.value) }, timestamp: record.timestamp });
    }
    return (error(res, 404, "invalid_request_error", `Unrecognized request URL (${req.method}: ${path}).`), 404);
  }

  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const path = (req.url ?? "").split("?")[0]!;
      const params = decodeForm(body);
      const status = route(req, path, params, res);
      requests.push({ method: req.method ?? "", path, params, status });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function makeEvent(type: string, object: Obj): Stripe.Event {
    return { id: id("evt"), object: "event", api_version: "2026-10-28.endive", created: nowSec(), livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type, data: { object } } as unknown as Stripe.Event;
  }

  function buildSubscription(session: Obj): Stripe.Subscription {
    const start = nowSec();
    const end = start + 30 * 86_400;
    const items = ((session.line_items ?? []) as Obj[]).map((li) => ({
      id: id("si"), object: "subscription_item", price: { id: String(li.price), object: "price" }, quantity: li.quantity ? Number(li.quantity) : undefined,
      current_period_start: start, current_period_end: end,
    }));
    return {
      id: id("sub"), object: "subscription", customer: String(session.customer), status: "active", cancel_at_period_end: false, created: start,
      metadata: ((session.subscription_data as Obj | undefined)?.metadata ?? {}) as Obj,
      items: { object: "list", data: items, has_more: false, url: "/v1/subscription_items" },
    } as unknown as Stripe.Subscription;
  }

  const stand: StripeStandIn = {
    url, secretKey, webhookSecret, customers, checkoutSessions, subscriptions, meterEvents, requests,
    outage: null,
    webhookUrl: undefined,
    makeEvent,
    async completeCheckout(sessionId) {
      const session = checkoutSessions.get(sessionId);
      if (!session) throw new Error(`no checkout session ${sessionId}`);
      const subscription = buildSubscription(session);
      subscriptions.set(subscription.id, subscription);
      Object.assign(session, { status: "complete", subscription: subscription.id, payment_status: "paid" });
      // Stripe sends these in no guaranteed order; the app must cope with either.
      return { subscription, events: [makeEvent("customer.subscription.created", subscription as unknown as Obj), makeEvent("checkout.session.completed", session)] };
    },
    async setSubscriptionStatus(subscriptionId, status) {
      const s = subscriptions.get(subscriptionId)!;
      (s as { status: string }).status = status;
      return makeEvent(status === "canceled" ? "customer.subscription.deleted" : "customer.subscription.updated", s as unknown as Obj);
    },
    async invoice(subscriptionId, outcome) {
      const s = subscriptions.get(subscriptionId)!;
      const customer = String(s.customer);
      const minutes = meterEvents.filter((e) => e.customer === customer).reduce((sum, e) => sum + e.value, 0);
      const invoice = {
        id: id("in"), object: "invoice", customer, status: outcome === "paid" ? "paid" : "open", created: nowSec(),
        parent: { type: "subscription_details", subscription_details: { subscription: subscriptionId, metadata: s.metadata } },
        lines: { object: "list", data: s.items.data.map((i) => ({ id: id("il"), pricing: { price_details: { price: i.price.id } }, quantity: i.quantity ?? minutes })), has_more: false },
      };
      if (outcome === "payment_failed") (s as { status: string }).status = "past_due";
      else (s as { status: string }).status = "active";
      return { event: makeEvent(outcome === "paid" ? "invoice.paid" : "invoice.payment_failed", invoice), minutes };
    },
    async deliver(event, o = {}) {
      if (!stand.webhookUrl) throw new Error("set webhookUrl first");
      const payload = JSON.stringify(event, null, 2);
      const header = sdk.webhooks.generateTestHeaderString({ payload, secret: o.secret ?? webhookSecret, timestamp: o.timestamp ?? nowSec() });
      const body = o.alter ? o.alter(payload) : payload;
      const res = await fetch(stand.webhookUrl, { method: "POST", headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": header }, body });
      return { status: res.status, body: await res.text() };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  return stand;
}
