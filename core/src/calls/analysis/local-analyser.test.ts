import { describe, expect, it } from "vitest";
import {
  angryBillingCall,
  leakingSinkMessageCall,
  openingHoursCall,
  silentHangUpCall,
  thankfulOilChangeCall,
  transferredCall,
} from "../../../../test/analysis/call-transcripts.ts";
import { analyseLocally } from "./local-analyser.ts";
import { callerSentiment } from "./caller-sentiment.ts";

describe("local post-call analysis", () => {
  it("an angry caller's call is negative", () => {
    const a = analyseLocally(angryBillingCall);
    expect(a.sentiment).toBe("negative");
    expect(a.sentimentScore).toBeLessThan(-0.3);
  });

  it("a thankful caller's call is positive", () => {
    const a = analyseLocally(thankfulOilChangeCall);
    expect(a.sentiment).toBe("positive");
    expect(a.sentimentScore).toBeGreaterThan(0.3);
  });

  it("a plain question answered with a ritual 'thanks' is neutral", () => {
    expect(analyseLocally(openingHoursCall).sentiment).toBe("neutral");
  });

  it("only the caller's words decide the sentiment, not the agent's politeness", () => {
    const politeAgentOnly = callerSentiment([]);
    expect(politeAgentOnly).toEqual({ sentiment: "neutral", score: 0, valence: 0 });
    expect(callerSentiment(["I would like to book an appointment please."]).sentiment).toBe("neutral");
    expect(callerSentiment(["This is not good at all."]).sentiment).toBe("negative");
  });

  it("a call where a message was taken has outcome message_taken and the summary carries the message", () => {
    const a = analyseLocally(leakingSinkMessageCall);
    expect(a.outcome).toBe("message_taken");
    expect(a.summary).toContain("kitchen sink is leaking");
    expect(a.summary).toContain("A message was taken from Dana Fox (callback +15550102233)");
  });

  it("a transferred call has outcome transferred and says where it went", () => {
    const a = analyseLocally(transferredCall);
    expect(a.outcome).toBe("transferred");
    expect(a.summary).toContain("transferred to a person at +15557654321");
    expect(a.summary).toContain("brakes");
  });

  it("an outbound call an answering machine took is voicemail, whatever the machine's greeting said", () => {
    const machine = { ...thankfulOilChangeCall, facts: { ...thankfulOilChangeCall.facts, endReason: "voicemail" } };
    const a = analyseLocally(machine);
    expect(a.outcome).toBe("voicemail");
    expect(a.summary).toBe("An answering machine took the call; the agent left the voicemail message.");
  });

  it("a caller who said almost nothing and hung up abandoned the call", () => {
    const a = analyseLocally(silentHangUpCall);
    expect(a.outcome).toBe("abandoned");
    expect(a.summary).toBe("The caller hung up after 6 s without stating a request.");
    expect(a.topics).toEqual([]);
  });

  it("an answered question is resolved, and the summary quotes the request and the answer", () => {
    const a = analyseLocally(thankfulOilChangeCall);
    expect(a.outcome).toBe("resolved");
    expect(a.summary).toBe(
      'The caller asked: "Do you do oil changes on Saturdays?" The agent answered: "Yes, we do oil changes on Saturdays from 8 am to noon, no appointment needed."',
    );
  });

  it("the summary quotes the agent's answer, not its greeting or a question back", () => {
    const a = analyseLocally(leakingSinkMessageCall);
    expect(a.summary).toContain('The agent answered: "I can take a message for the plumber."');
    expect(a.summary).not.toContain("how can I help");
  });

  it("topics are the call's subject, not filler, the business's name or the caller's name", () => {
    expect(analyseLocally(thankfulOilChangeCall).topics.slice(0, 2)).toEqual(["oil changes", "saturdays"]);
    const sink = analyseLocally(leakingSinkMessageCall).topics;
    expect(sink[0]).toBe("kitchen sink");
    expect(sink).toContain("leaking");
    for (const t of sink) expect(t).not.toMatch(/\b(dana|fox|green|leaf|plumbing|hi|thanks)\b/);
    expect(analyseLocally(angryBillingCall).topics).toEqual(expect.arrayContaining(["office manager", "bill"]));
  });

  it("a long summary is bounded", () => {
    const rambling = {
      ...openingHoursCall,
      transcript: [
        { role: "caller" as const, text: "I want to know about " + "the many different colour treatments you offer ".repeat(30) + "?" },
        { role: "agent" as const, text: "We offer " + "balayage, highlights, gloss and full colour ".repeat(30) + "." },
      ],
    };
    const a = analyseLocally(rambling);
    expect(a.summary.length).toBeLessThanOrEqual(600);
    expect(a.summary).toContain("…");
  });
});
