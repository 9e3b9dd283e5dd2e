// Local headline scoring with the AFINN-165 lexicon (npm `sentiment`): weaker than a vendor's model, clearly labelled so.

import Sentiment from 'sentiment';

const analyzer = new Sentiment();

/**
 * Lexicon score of a headline (and summary) in [-1, 1]: AFINN's comparative score (sum of word
 * valences −5..+5 divided by the token count), clamped. One "+3" word in a 10-word headline gives 0.3.
 * Word lists know no finance context ("crash" in "crash test"), negation only partly, no sarcasm:
 * treat it as a weak signal, on the same ±bullish_score scale as the vendor scores.
 */
export function lexiconScore(text: string): number {
  const r = analyzer.analyze(text);
  if (!Number.isFinite(r.comparative)) return 0;
  return Math.max(-1, Math.min(1, r.comparative));
}
