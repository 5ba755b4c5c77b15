// Realistic calls to a small business, as the relay records them, for the analysis tests.
import type { AnalysisInput, CallFacts, TranscriptLine } from "@frontdesk/core/calls/analysis/call-analysis";

const ended = (over: Partial<CallFacts> = {}): CallFacts => ({
  messagesTaken: [],
  transferred: false,
  endReason: "caller_hangup",
  durationSec: 95,
  ...over,
});

const call = (businessName: string, transcript: TranscriptLine[], facts: CallFacts = ended()): AnalysisInput => ({
  businessName,
  transcript,
  facts,
});

export const angryBillingCall = call("Bright Smile Dental", [
  { role: "agent", text: "Thanks for calling Bright Smile Dental, how can I help you today?" },
  { role: "caller", text: "I've called three times about my bill and nobody ever calls me back. This is ridiculous." },
  { role: "agent", text: "I'm sorry about that. Billing questions are handled by our office manager, who is in from 9 am to 5 pm on weekdays." },
  { role: "caller", text: "I was charged twice for the same cleaning. Honestly it's unacceptable, I'm really frustrated." },
  { role: "agent", text: "I understand. A duplicate charge is refunded within five business days once the office manager confirms it." },
  { role: "caller", text: "Fine. Whatever." },
]);

export const thankfulOilChangeCall = call("Maple Street Garage", [
  { role: "agent", text: "Hello, you've reached Maple Street Garage. How can I help?" },
  { role: "caller", text: "Hi! Do you do oil changes on Saturdays?" },
  { role: "agent", text: "Yes, we do oil changes on Saturdays from 8 am to noon, no appointment needed. An oil change is 49 dollars." },
  { role: "caller", text: "Oh that's perfect, thank you so much, that's really helpful!" },
  { role: "agent", text: "You're welcome, have a great day!" },
]);

export const leakingSinkMessageCall = call(
  "Green Leaf Plumbing",
  [
    { role: "agent", text: "Good afternoon, Green Leaf Plumbing, how can I help?" },
    { role: "caller", text: "Hi, my kitchen sink is leaking under the cabinet and I'd like someone to come look at it this week." },
    { role: "agent", text: "I can take a message for the plumber. What's your name and the best number to call you back?" },
    { role: "caller", text: "It's Dana Fox, 555 010 2233." },
    { role: "tool", toolName: "take_message", text: "take_message(name=Dana Fox, callback_number=+15550102233)" },
    { role: "agent", text: "Thanks Dana, I've passed your message on. Someone will call you back today." },
  ],
  ended({
    durationSec: 64,
    messagesTaken: [{ callerName: "Dana Fox", callbackNumber: "+15550102233", message: "Kitchen sink leaking under the cabinet; wants a visit this week." }],
  }),
);

export const openingHoursCall = call("Bella Hair", [
  { role: "agent", text: "Thanks for calling Bella Hair, how can I help?" },
  { role: "caller", text: "Hi, what time do you open on Saturday?" },
  { role: "agent", text: "On Saturday we're open from 9 am to 4 pm." },
  { role: "caller", text: "Okay, thanks, bye." },
]);

export const silentHangUpCall = call(
  "Bella Hair",
  [
    { role: "agent", text: "Thanks for calling Bella Hair, how can I help?" },
    { role: "caller", text: "Hello?" },
  ],
  ended({ durationSec: 6 }),
);

export const transferredCall = call(
  "Maple Street Garage",
  [
    { role: "agent", text: "Hello, you've reached Maple Street Garage. How can I help?" },
    { role: "caller", text: "I need to talk to a mechanic about the noise my brakes make, can you put me through to a person?" },
    { role: "agent", text: "Of course, I'm connecting you to the workshop now." },
    { role: "tool", toolName: "transfer_to_human", text: "transfer_to_human(reason=brake noise question)" },
  ],
  ended({ endReason: "transferred", transferred: true, transferredTo: "+15557654321", durationSec: 31 }),
);
