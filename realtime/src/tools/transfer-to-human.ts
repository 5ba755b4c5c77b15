// transfer_to_human(reason): the caller is put through to the business's transfer number once
// the agent's hand-off sentence has been heard (the session waits for its audio's mark).
import { z } from "zod";
import { defineTool } from "./tool.ts";
import { TOOL_INSTRUCTIONS } from "@frontdesk/core/agent/instructions";

export const transferToHuman = defineTool({
  name: "transfer_to_human",
  description:
    "Put the caller through to a member of staff. Use it when the caller asks for a person, or when you cannot help them yourself.",
  instructions: TOOL_INSTRUCTIONS.transfer_to_human,
  schema: z.object({
    reason: z.string().trim().min(1).max(300).describe("Why the caller needs a person, in a few words."),
  }),
  async handler({ reason }, ctx) {
    const to = ctx.agent.transferNumber;
    if (!to || !ctx.canTransfer) {
      return {
        transferring: false,
        message: to
          ? "Nobody can take the call right now: this line cannot be put through. Say so, and offer to take a message (take_message)."
          : "Nobody can take the call right now: this business has no transfer number. Say so, and offer to take a message (take_message).",
      };
    }
    ctx.logger.info({ reason }, "transfer to a person requested");
    ctx.transferAfterPlayback(to);
    return {
      transferring: true,
      message: "Tell the caller in one short sentence that you are putting them through now. The transfer starts as soon as you have finished speaking.",
    };
  },
});
