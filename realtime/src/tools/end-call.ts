// end_call(reason): the agent hangs up once its goodbye has been heard (the session waits for
// the goodbye audio's mark before asking Twilio to end the call).
import { z } from "zod";
import { defineTool } from "./tool.ts";
import { TOOL_INSTRUCTIONS } from "@frontdesk/core/agent/instructions";

export const endCall = defineTool({
  name: "end_call",
  description: "End the phone call. Use it only when the conversation is clearly over: the caller said goodbye or has nothing else to ask.",
  instructions: TOOL_INSTRUCTIONS.end_call,
  schema: z.object({
    reason: z.string().trim().min(1).max(300).describe("Why the call is over, in a few words."),
  }),
  async handler({ reason }, ctx) {
    ctx.logger.info({ reason }, "agent ends the call");
    ctx.hangUpAfterPlayback("agent_end_call");
    return { ending: true, message: "Say one short, friendly goodbye. The call ends as soon as you have finished speaking." };
  },
});
