import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_AGENT_CONFIG, personalise, readAgentConfig, writeAgentConfig } from "./agent-config.ts";
import { forBusiness } from "../db/tenant.ts";
import { testDb } from "../../../test/support/services.ts";
import { createTestBusiness } from "../../../test/support/fixtures.ts";

const db = testDb();
afterAll(() => db.$disconnect());

describe("agent configuration", () => {
  it("a new business gets the defaults: greeting, voice, transfer digit 0, 15 minute limit, all tools", async () => {
    const { business } = await createTestBusiness(db);
    const config = await readAgentConfig(forBusiness(db, business.id));
    expect(config).toEqual(DEFAULT_AGENT_CONFIG);
    expect(config.dtmfTransferDigit).toBe("0");
    expect(config.maxCallDurationSec).toBe(900);
    expect(config.enabledTools).toContain("search_knowledge_base");
  });

  it("saved settings are read back typed, and only for their own business", async () => {
    const { business: a } = await createTestBusiness(db);
    const { business: b } = await createTestBusiness(db);
    await writeAgentConfig(forBusiness(db, a.id), a.id, { voice: "cedar", transferNumber: "+14155550100", maxCallDurationSec: 300 });
    const configA = await readAgentConfig(forBusiness(db, a.id));
    expect(configA).toMatchObject({ voice: "cedar", transferNumber: "+14155550100", maxCallDurationSec: 300 });
    expect(await readAgentConfig(forBusiness(db, b.id))).toEqual(DEFAULT_AGENT_CONFIG);
  });

  it("rejects a malformed setting with the field's own message and saves nothing", async () => {
    const { business } = await createTestBusiness(db);
    const scoped = forBusiness(db, business.id);
    await expect(writeAgentConfig(scoped, business.id, { transferNumber: "555-1234", voice: "cedar" })).rejects.toThrow(/E\.164/);
    await expect(writeAgentConfig(scoped, business.id, { nonsense: 1 } as never)).rejects.toThrow();
    expect(await readAgentConfig(scoped)).toEqual(DEFAULT_AGENT_CONFIG);
  });

  it("a stored value that no longer fits the schema falls back to the default instead of breaking calls", async () => {
    const { business } = await createTestBusiness(db);
    await db.configuration.create({ data: { businessId: business.id, key: "voice", value: "robot", type: "string" } });
    expect((await readAgentConfig(forBusiness(db, business.id))).voice).toBe(DEFAULT_AGENT_CONFIG.voice);
  });

  it("greetings name the business", () => {
    expect(personalise(DEFAULT_AGENT_CONFIG.greeting, "Sunrise Dental")).toBe("Thanks for calling Sunrise Dental. How can I help you today?");
  });
});
