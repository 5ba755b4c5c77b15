// take_message(name, callback_number, message): stores a CallMessage for the business and, in
// the same transaction, the `message.taken` event its webhooks are delivered from.
import { z } from "zod";
import { emitCallEvent } from "@frontdesk/core/calls/call-events";
import { defineTool } from "./tool.ts";
import { TOOL_INSTRUCTIONS } from "@frontdesk/core/agent/instructions";

/** A callback number as the caller said it: digits, an optional leading +, common separators. */
export function normaliseCallbackNumber(raw: string): string | null {
  const trimmed = raw.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, "");
  if (digits.length < 7 || digits.length > 15) return null;
  return (trimmed.startsWith("+") ? "+" : "") + digits;
}

export const takeMessage = defineTool({
  name: "take_message",
  description:
    "Leave a message for the business to call the caller back. Ask for the caller's name, the number to call back on and what the message is before calling it.",
  instructions: TOOL_INSTRUCTIONS.take_message,
  schema: z.object({
    name: z.string().trim().min(1).max(200).describe("The caller's name."),
    callback_number: z
      .string()
      .trim()
      .max(40)
      .optional()
      .describe("The number to call back, as the caller said it. Leave it out if they want a call back on the number they are calling from."),
    message: z.string().trim().min(1).max(2000).describe("The caller's message, in their words."),
  }),
  async handler({ name, callback_number, message }, ctx) {
    const given = callback_number ? normaliseCallbackNumber(callback_number) : normaliseCallbackNumber(ctx.callerNumber);
    if (!given) {
      throw new Error(
        callback_number
          ? `callback_number: "${callback_number}" is not a phone number; ask the caller to say it again`
          : "callback_number: the caller's own number is not known on this line; ask for a number to call back",
      );
    }
    const saved = await ctx.db.$transaction(async (tx) => {
      const row = await tx.callMessage.create({
        data: { businessId: ctx.businessId, callId: ctx.callId, callerName: name, callbackNumber: given, message },
      });
      // Published as the transaction ends; the webhook job commits with the message or not at all.
      await emitCallEvent(
        { db: tx, cache: ctx.cache },
        {
          type: "message.taken",
          businessId: ctx.businessId,
          callId: ctx.callId,
          data: { messageId: row.id, callSid: ctx.callSid, callerName: name, callbackNumber: given, message },
        },
      );
      return row;
    });
    ctx.logger.info({ messageId: saved.id }, "message taken");
    return {
      saved: true,
      callbackNumber: given,
      message: "The message is saved. Tell the caller it has been passed on and someone will call them back.",
    };
  },
});
