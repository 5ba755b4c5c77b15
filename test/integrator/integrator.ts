// A third party's program against the frontdesk API, written as an integrator would write it:
// every request goes through the TypeScript client generated from openapi.yaml
// (api/src/generated/client, `npm run api:client`) configured with nothing but a base URL and
// a secret key; nothing else of ours is imported. It pages through the calls, adds a knowledge
// document and finds it by search, reads the usage, and meets a 404 and a 400 as typed
// problems, while it follows the live event stream. It prints one JSON report on its last line (test/integrator/integrator.test.ts
// runs it against a live API and checks the report against the database).
//
//   FRONTDESK_API_URL=http://localhost:3000 FRONTDESK_API_KEY=sk_live_… npx tsx test/integrator/integrator.ts
import { createClient, createConfig } from "../../api/src/generated/client/client/index.ts";
import {
  createKnowledge, getCall, getKnowledge, getUsage, listCalls, searchKnowledge, streamCallEvents,
  type Call, type CallEvent, type CallOutcome, type KnowledgeItem, type Problem, type Usage,
} from "../../api/src/generated/client/index.ts";

export interface IntegratorReport {
  calls: { ids: string[]; pages: number; messageTakenIds: string[]; costUsdMicros: number };
  knowledge: { id: string; status: KnowledgeItem["status"]; replayedId: string; replayed: boolean; hits: { contentId: string; title: string }[] };
  usage: Pick<Usage, "calls" | "callSeconds" | "costUsdMicros" | "plan">;
  notFound: { status: number; code: Problem["code"]; requestId: string | null };
  badRequest: { status: number; code: Problem["code"]; errors: { path: string; message: string }[] };
  /** What the live stream told, one line per event: `<event line> <type> <a field of that type's data>`. */
  events: string[];
}

const baseUrl = process.env.FRONTDESK_API_URL ?? "https://api.frontdesk.dev";
const apiKey = process.env.FRONTDESK_API_KEY;
if (!apiKey) {
  console.error("Set FRONTDESK_API_KEY to a secret key (sk_live_…) with knowledge:write, calls:read and usage:read.");
  process.exit(2);
}
const client = createClient(createConfig({ baseUrl, auth: apiKey }));

/** Fails the program with the problem the API answered (typed: code, detail, request_id). */
function fail(step: string, problem: Problem | undefined, status: number | undefined): never {
  throw new Error(`${step}: ${status} ${problem?.code ?? "?"} ${problem?.detail ?? ""} (request ${problem?.request_id ?? "?"})`);
}

async function everyCall(outcome?: CallOutcome): Promise<{ calls: Call[]; pages: number }> {
  const calls: Call[] = [];
  let startingAfter: string | undefined;
  for (let pages = 1; ; pages++) {
    const { data, error, response } = await listCalls({ client, query: { limit: 7, starting_after: startingAfter, outcome } });
    if (!data) fail("listCalls", error, response.status);
    calls.push(...data.data);
    if (!data.has_more) return { calls, pages };
    startingAfter = data.data.at(-1)!.id;
  }
}

async function indexedDocument(id: string): Promise<KnowledgeItem> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { data, error, response } = await getKnowledge({ client, path: { contentId: id } });
    if (!data) fail("getKnowledge", error, response.status);
    if (data.status !== "pending" || Date.now() > deadline) return data;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One line per event, reading a field only that event type's `data` has (typed by `type`). */
function describeEvent(event: CallEvent, eventLine: string | undefined): string {
  switch (event.type) {
    case "call.started":
      return `${eventLine} ${event.type} ${event.data.direction}`;
    case "call.transcript":
      return `${eventLine} ${event.type} ${event.data.role}: ${event.data.text}`;
    case "call.ended":
      return `${eventLine} ${event.type} ${event.data.endReason} after ${event.data.durationSec} s`;
    case "call.analysed":
      return `${eventLine} ${event.type} ${event.data.outcome}`;
    case "message.taken":
      return `${eventLine} ${event.type} call ${event.data.callerName} back on ${event.data.callbackNumber}`;
    case "webhook.test":
      return `${eventLine} ${event.type} ${event.data.message}`;
  }
}

/** Follows the live stream until `count` events arrived or `timeoutMs` passed. */
function followEvents(count: number, timeoutMs: number): { done: Promise<string[]> } {
  const seen: string[] = [];
  const eventLines = new Map<string | undefined, string | undefined>(); // SSE `id:` -> `event:`
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const done = (async () => {
    try {
      const { stream } = await streamCallEvents({
        client,
        signal: controller.signal,
        sseMaxRetryAttempts: 1,
        onSseEvent: (e) => void eventLines.set(e.id, e.event),
      });
      // Each item is a CallEvent, typed by the contract; its `event:` line came with its `id:`.
      for await (const event of stream) {
        seen.push(describeEvent(event, eventLines.get(event.id)));
        if (seen.length >= count) break;
      }
    } catch {
      /* aborted at the deadline */
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    return seen;
  })();
  return { done };
}

async function main(): Promise<IntegratorReport> {
  const live = followEvents(3, 20_000);
  const all = await everyCall();
  const taken = await everyCall("message_taken");

  const doc = {
    title: "Winter opening hours",
    content: "From December to February the garage opens at 9 and closes at 5; Saturdays until noon.",
    isPublic: true,
  };
  const idempotencyKey = `integrator-${Date.now()}`;
  const created = await createKnowledge({ client, body: doc, headers: { "Idempotency-Key": idempotencyKey } });
  if (!created.data) fail("createKnowledge", created.error, created.response.status);
  // A retry after a lost answer: the same key and body get the first answer again.
  const retried = await createKnowledge({ client, body: doc, headers: { "Idempotency-Key": idempotencyKey } });
  if (!retried.data) fail("createKnowledge (retry)", retried.error, retried.response.status);
  const indexed = await indexedDocument(created.data.id);
  const search = await searchKnowledge({ client, query: { q: "when do you open in winter on saturdays", limit: 3 } });
  if (!search.data) fail("searchKnowledge", search.error, search.response.status);

  const now = Date.now();
  const usage = await getUsage({ client, query: { from: new Date(now - 86_400_000).toISOString(), to: new Date(now + 60_000).toISOString() } });
  if (!usage.data) fail("getUsage", usage.error, usage.response.status);

  const missing = await getCall({ client, path: { callId: "call_00000000000000000000000000" } });
  if (!missing.error) throw new Error("getCall of an unknown id did not fail");
  const tooMany = await listCalls({ client, query: { limit: 500 } });
  if (!tooMany.error) throw new Error("listCalls with limit=500 did not fail");
  const events = await live.done;

  return {
    calls: {
      ids: all.calls.map((c) => c.id),
      pages: all.pages,
      messageTakenIds: taken.calls.map((c) => c.id),
      costUsdMicros: all.calls.reduce((sum, c) => sum + c.costUsdMicros, 0),
    },
    knowledge: {
      id: created.data.id,
      status: indexed.status,
      replayedId: retried.data.id,
      replayed: retried.response.headers.get("Idempotent-Replayed") === "true",
      hits: search.data.data.map((h) => ({ contentId: h.contentId, title: h.title })),
    },
    usage: { calls: usage.data.calls, callSeconds: usage.data.callSeconds, costUsdMicros: usage.data.costUsdMicros, plan: usage.data.plan },
    notFound: { status: missing.response.status, code: missing.error.code, requestId: missing.response.headers.get("Request-Id") },
    badRequest: { status: tooMany.response.status, code: tooMany.error.code, errors: tooMany.error.errors ?? [] },
    events,
  };
}

main().then(
  (report) => console.log(JSON.stringify(report)),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
