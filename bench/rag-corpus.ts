// Synthetic knowledge for the RAG benchmark: documents made of sentences whose words follow
// a Zipf distribution (a few words everywhere, most words rare, like real text), from a
// vocabulary of real business words plus made-up ones, each document about one of 300 topics
// with words of its own; and callers' questions about a topic. Deterministic for a seed.
import { seededRandom } from "./bench-db.ts";

const BUSINESS_WORDS = `appointment booking cancel reschedule deposit refund invoice receipt payment card cash insurance
  claim coverage price quote estimate discount coupon membership subscription renewal warranty repair replacement
  delivery pickup shipping tracking parking entrance elevator wheelchair accessible location address directions
  downtown suburb weekday weekend holiday evening morning afternoon schedule opening closing hours emergency urgent
  consultation checkup cleaning whitening filling crown implant braces extraction surgery anesthesia recovery
  prescription refill pharmacy vaccine allergy diet nutrition therapy massage physiotherapy chiropractor grooming
  boarding training puppy kitten senior child teen adult family group class course lesson workshop seminar tutor
  haircut coloring manicure pedicure facial waxing tanning makeup bridal event catering menu vegan gluten dessert
  cake pastry bread coffee espresso breakfast lunch dinner reservation table patio private party gift voucher
  loyalty points reward referral review complaint feedback manager supervisor technician specialist doctor nurse
  receptionist volunteer staff license permit inspection maintenance plumbing electrical heating cooling roofing
  painting flooring cabinet window door lock key alarm camera security cleaning laundry storage moving packing
  rental lease tenant landlord mortgage loan credit account password login website app email phone text message`
  .split(/\s+/)
  .filter(Boolean);
const STOP = ["the", "and", "of", "to", "a", "for", "with", "on", "in", "is", "we", "your", "our", "at", "by"];
const SYLLABLES = "ka lo ri men tor vel sa pen dra qui bes nor fal tin gro ush ame lid por kev zan mor".split(" ");


export interface Corpus {
  /** Fresh documents for a business (each about 1,200 tokens: 3-4 chunks). */
  documents(count: number): { title: string; content: string; category: string; isPublic: boolean }[];
  /** Questions a caller might ask, from the corpus vocabulary. */
  questions(count: number, seed?: number): string[];
}

export function createCorpus(seed: number): Corpus {
  const random = seededRandom(seed);
  const vocabulary = [...BUSINESS_WORDS];
  const seen = new Set(vocabulary);
  while (vocabulary.length < 6000) {
    const n = 2 + Math.floor(random() * 3);
    let w = "";
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    if (!seen.has(w)) {
      seen.add(w);
      vocabulary.push(w);
    }
  }
  // Shuffle so business words are spread over the frequency ranks, then Zipf(s=1) weights.
  for (let i = vocabulary.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [vocabulary[i], vocabulary[j]] = [vocabulary[j]!, vocabulary[i]!];
  }
  const cumulative: number[] = [];
  let total = 0;
  for (let r = 1; r <= vocabulary.length; r++) cumulative.push((total += 1 / r));
  const word = (rnd: () => number) => {
    const x = rnd() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo]!;
  };
  // Real knowledge bases are about things: each topic has its own words (a clinic's
  // "whitening", "veneer", "enamel"...), which its documents use often alongside common ones.
  const topics = Array.from({ length: 300 }, () => {
    const words = new Set<string>();
    while (words.size < 40) {
      const w = word(random);
      if (vocabulary.indexOf(w) >= 50) words.add(w);
    }
    return [...words];
  });
  const sentence = (rnd: () => number, topic: string[]) => {
    const n = 8 + Math.floor(rnd() * 10);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = rnd();
      parts.push(r < 0.3 ? STOP[Math.floor(rnd() * STOP.length)]! : r < 0.65 ? topic[Math.floor(rnd() * topic.length)]! : word(rnd));
    }
    const s = parts.join(" ");
    return s[0]!.toUpperCase() + s.slice(1) + ".";
  };
  const paragraph = (rnd: () => number, topic: string[]) => Array.from({ length: 4 + Math.floor(rnd() * 4) }, () => sentence(rnd, topic)).join(" ");
  const categories = ["services", "pricing", "visit", "policies", "faq", "team"];

  return {
    documents(count) {
      return Array.from({ length: count }, () => {
        const topic = topics[Math.floor(random() * topics.length)]!;
        const sections = Array.from({ length: 6 }, () => {
          const heading = [topic[Math.floor(random() * topic.length)]!, word(random)].join(" ");
          return `## ${heading[0]!.toUpperCase()}${heading.slice(1)}\n\n${paragraph(random, topic)}\n\n${paragraph(random, topic)}`;
        });
        const title = [topic[0]!, topic[1]!, word(random)].join(" ");
        return {
          title: title[0]!.toUpperCase() + title.slice(1),
          content: sections.join("\n\n"),
          category: categories[Math.floor(random() * categories.length)]!,
          isPublic: random() < 0.7,
        };
      });
    },
    questions(count, questionSeed = 99) {
      const rnd = seededRandom(questionSeed);
      const forms = [(w: string[]) => `Do you offer ${w.join(" ")}?`, (w: string[]) => `How much is ${w.join(" ")}?`, (w: string[]) => `What about ${w.join(" and ")}`, (w: string[]) => `${w.join(" ")} on the weekend?`];
      return Array.from({ length: count }, () => {
        const topic = topics[Math.floor(rnd() * topics.length)]!;
        const words = Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => (rnd() < 0.75 ? topic[Math.floor(rnd() * topic.length)]! : word(rnd)));
        return forms[Math.floor(rnd() * forms.length)]!(words);
      });
    },
  };
}
