// Word lists for the local embedder and its stemmer. A fixed stand-in for corpus statistics:
// stop words carry no weight, and words common in any business's text (the ones an IDF table
// would score low everywhere) carry less than the rest.

export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all am an and any are aren't as at be because been before
  being below between both but by can can't cannot could couldn't did didn't do does doesn't
  doing don't down during each few for from further had hadn't has hasn't have haven't having he
  he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if
  in into is isn't it it's its itself let's me more most mustn't my myself no nor not of off on
  once only or other ought our ours ourselves out over own same shan't she she'd she'll she's
  should shouldn't so some such than that that's the their theirs them themselves then there
  there's these they they'd they'll they're they've this those through to too under until up
  very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's
  which while who who's whom why why's will with won't would wouldn't you you'd you'll you're
  you've your yours yourself yourselves s t d ll m re ve also just may might must shall yes ok
  okay hi hello please thanks thank`
    .split(/\s+/)
    .flatMap((w) => [w, w.replace(/'/g, "")]),
);

/** Frequent in any business's documents and in callers' questions alike. */
export const COMMON_WORDS: ReadonlySet<string> = new Set(
  `able across actually already always another anything anyone around ask available away back
  bad best better big bring business call came can come company could customer day days
  different done each easy else enough even ever every everything find first get give go going
  good got great happy help here high home information just keep kind know last later let like
  little long look lot made make many maybe much need needs new next nice now number often
  old one part people place possible pretty provide question questions quite rather
  really right said say see service services set several show since small something sometimes
  soon start still sure take tell thing things think time times today try two us use used usually
  want way week well whether within without work working year years yet`.split(/\s+/),
);
