// Word and sentence splitting for the local analyser, and the stopwords it ignores: common
// English function words plus the filler of phone talk ("hi", "okay", "thanks", "calling").

/** Lower-cased words; apostrophes kept inside words ("don't"), digits kept ("9am"). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+(?:['’][a-z]+)*/g)?.map((w) => w.replace(/’/g, "'")) ?? [];
}

/** Sentences of one utterance, punctuation kept. */
export function sentences(text: string): string[] {
  return text
    .replace(/\s+/g, " ")
    .split(/(?<=[.!?])\s+(?=\S)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const ENGLISH = `a about above after again against all also am an and any are aren't as at be because been
before being below between both but by can can't cannot could couldn't did didn't do does doesn't doing
don't down during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's
her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its
itself let's me more most mustn't my myself no nor not of off on once only or other ought our ours
ourselves out over own same shan't she she'd she'll she's should shouldn't so some such than that that's
the their theirs them themselves then there there's these they they'd they'll they're they've this those
through to too under until up very was wasn't we we'd we'll we're we've were weren't what what's when
when's where where's which while who who's whom why why's will with won't would wouldn't you you'd you'll
you're you've your yours yourself yourselves just really actually maybe also much many lot lots still even
ever every yet already get got gets getting go goes going gone went make makes made let tell told say said
says see know knew think thought need needs want wants wanted like would could should might must may
shall will one ones something anything nothing everything someone anyone thing things way ok okay yeah
yep yes no nope hi hello hey bye goodbye thanks thank thankyou please sure alright right well oh um uh
uhm hmm mm great good fine cool perfect wonderful awesome appreciate welcome calling call called calls
help helping assist today now time moment second bit kind sort able glad happy sorry excuse there's
i'd i'm id im dont cant wont didnt doesnt isnt thats whats theres lets youre ive ill come came coming look
looking looked back nobody somebody someone everybody everyone anybody honestly whatever literally though
once twice times two three four five six seven eight nine ten first second last next day days week weeks
year years soon later ago minute minutes hour's else`;

export const STOPWORDS: ReadonlySet<string> = new Set(ENGLISH.split(/\s+/).filter(Boolean));

export function isContentWord(word: string): boolean {
  return word.length >= 2 && !STOPWORDS.has(word);
}

export function contentWords(text: string): string[] {
  return words(text).filter(isContentWord);
}
