// Types for the `sentiment` package (AFINN-165 word valences), which ships none; only what we use.
declare module "sentiment" {
  interface AnalysisResult {
    score: number;
    comparative: number;
    tokens: string[];
    words: string[];
    positive: string[];
    negative: string[];
    calculation: Record<string, number>[];
  }
  class Sentiment {
    analyze(phrase: string, options?: { language?: string; extras?: Record<string, number> }): AnalysisResult;
  }
  export default Sentiment;
}
