// end_call(reason): the agent hangs up once its goodbye has been heard (the session waits for
// the goodbye audio's mark before asking Twilio to end the call).
import { z } from "zod";
import { defineTool } from "./tool.ts";

export const endCall = defineTool({
  name: "end_call",
  description: "End the phone call. Use it only when the conversation is clearly over: the caller said goodbye or has nothing else to ask.",
  instructions: "When the caller has said goodbye or has nothing else to ask, call end_call, then say one short goodbye.",
  schema: z.object({
    reason: z.string().trim().min(1).max(300).describe("Why the call is over, in a few words."),
  }),
  async handler({ reason }, ctx) {
    ctx.logger.info({ reason }, "agent ends the call");
    ctx.hangUpAfterPlayback("agent_end_call");
    return { ending: true, message: "Say one short, friendly goodbye. The call ends as soon as you have finished speaking." };
  },
});
