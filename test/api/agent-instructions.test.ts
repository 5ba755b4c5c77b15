// The instructions preview: the API answers the very words the relay sends the model, for the
// saved configuration or a draft laid over it (never saved), and only for the caller's business.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAgentConfig } from "@frontdesk/core/agent/agent-config";
import { businessProfile } from "@frontdesk/core/agent/instructions";
import { tenantDb } from "@frontdesk/core/db/tenant";
import { buildSessionUpdate } from "../../realtime/src/model/session-config.ts";
import { toolsFor } from "../../realtime/src/tools/index.ts";
import { call, createSecretKey, sessionFor, startApi, type Api } from "./support/api-harness.ts";
import { createTestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
});

describe("agent instructions preview", () => {
  it("answers exactly the instructions the relay gives the model on a call", async () => {
    const t = await createTestBusiness(db, {
      name: "Rosa's Bakery",
      description: "Sourdough and pastries since 1998.",
      hours: { mon: [["08:00", "16:00"]] },
      agent: { prompt: "Always mention the Friday special.", language: "es", enabledTools: ["end_call", "search_knowledge_base"] },
    });
    const r = await call(api, "GET", "/v1/agent-config/instructions", { session: await sessionFor(api, t.owner) });
    expect(r.status, r.text).toBe(200);
    const business = await db.business.findUniqueOrThrow({ where: { id: t.business.id } });
    const agent = await readAgentConfig(tenantDb(db, t.business.id));
    const relay = buildSessionUpdate({ business: businessProfile(business), agent, tools: toolsFor(agent.enabledTools), defaultTranscriptionModel: "x" }) as { session: { instructions: string } };
    expect(r.body.instructions).toBe(relay.session.instructions);
    expect(r.body.instructions).toContain("Rosa's Bakery");
    expect(r.body.instructions).toContain("Speak Spanish");
    expect(r.body.instructions).toContain("Always mention the Friday special.");
    expect(r.body.tools).toEqual(["search_knowledge_base", "end_call"]);
    expect(r.body.greeting).toBe("Thanks for calling Rosa's Bakery. How can I help you today?");
  });

  it("previews a draft laid over the saved configuration, and saves nothing", async () => {
    const t = await createTestBusiness(db, { agent: { prompt: "Saved prompt." } });
    const session = await sessionFor(api, t.owner);
    const r = await call(api, "POST", "/v1/agent-config/instructions", { session, body: { prompt: "Draft prompt: offer the loyalty card.", enabledTools: ["take_message"], greeting: "Hi, {business} here!" } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.instructions).toContain("Draft prompt: offer the loyalty card.");
    expect(r.body.instructions).not.toContain("Saved prompt.");
    expect(r.body.instructions).toContain("call take_message");
    expect(r.body.instructions).not.toContain("search_knowledge_base");
    expect(r.body.greeting).toBe(`Hi, ${t.business.name} here!`);
    const saved = await call(api, "GET", "/v1/agent-config", { session });
    expect(saved.body.prompt).toBe("Saved prompt.");
    expect((await call(api, "GET", "/v1/agent-config/instructions", { session })).body.instructions).toContain("Saved prompt.");
  });

  it("refuses an invalid draft with the field's problem", async () => {
    const t = await createTestBusiness(db);
    const r = await call(api, "POST", "/v1/agent-config/instructions", { session: await sessionFor(api, t.owner), body: { language: "not a language" } });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].path).toBe("body.language");
  });

  it("a key sees its own business's instructions only, with config:read", async () => {
    const a = await createTestBusiness(db, { agent: { prompt: "Secret prompt of A." } });
    const b = await createTestBusiness(db, { agent: { prompt: "Prompt of B." } });
    const keyB = await createSecretKey(b.business, ["config:read"]);
    const r = await call(api, "GET", "/v1/agent-config/instructions", { key: keyB.key });
    expect(r.body.instructions).toContain("Prompt of B.");
    expect(r.text).not.toContain("Secret prompt of A.");
    expect(r.text).not.toContain(a.business.name);
    const asA = await call(api, "GET", "/v1/agent-config/instructions", { key: keyB.key, business: a.business.id });
    expect(asA.status).toBeGreaterThanOrEqual(400);
    expect(asA.text).not.toContain("Secret prompt of A.");
    const noScope = await createSecretKey(b.business, ["calls:read"]);
    expect((await call(api, "GET", "/v1/agent-config/instructions", { key: noScope.key })).status).toBe(403);
  });
});
