/**
 * Bidirectional and invisible controls that make text read differently from what it says: the bidi
 * embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the Arabic letter mark (U+061C),
 * zero-width spaces, joiners and marks (U+200B–U+200F), the word joiner and invisible operators
 * (U+2060–U+2064), the Mongolian vowel separator (U+180E), line and paragraph separators
 * (U+2028/2029) and the byte-order mark (U+FEFF).
 */
const HIDDEN = /[\u061C\u180E\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** Outside text with every hidden control shown as ⟨U+XXXX⟩, so it reads exactly as it is. */
export function visible(s: string): string {
  return s.replace(
    HIDDEN,
    (c) => `⟨U+${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}⟩`,
  );
}
