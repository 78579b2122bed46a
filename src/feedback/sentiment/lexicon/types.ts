/** What one language contributes to the lexicon scorer. */
export interface LanguageLexicon {
  /** Lines `VALENCE entry entry "phrase words" stem*`, valence from -4 to +4. */
  entries: string;
  /** Words that turn the polarity of the next few words. */
  negators: string[];
  /** Words (or short phrases) that raise the intensity of the next sentiment word, with the rise. */
  boosters: Record<string, number>;
  /** Words (or short phrases) that lower it, with the fall. */
  dampeners: Record<string, number>;
  /** "but" and its kin: what follows weighs more than what precedes. */
  contrast: string[];
  /** Frequent words that tell the language apart from the other two. */
  stopwords: string[];
  /**
   * Lithuanian and Russian prefix negation: a word starting with one of these whose rest is a
   * lexicon word takes that word's valence turned.
   */
  negativePrefixes?: string[];
}
