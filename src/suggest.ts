import didYouMean from 'didyoumean2';

/** " Did you mean "x"?" for a mistyped name among the known ones, or "" when none is close. */
export function didYouMeanText(input: string, known: readonly string[]): string {
  const best = didYouMean(input, [...known]);
  return best ? ` Did you mean "${best}"?` : '';
}
