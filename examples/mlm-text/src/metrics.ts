/** Accuracy and the F1 score of the spam class, from predicted and true labels (1 = spam). */
export function classificationScores(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
): { accuracy: number; f1: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let hit = 0;
  for (let i = 0; i < truth.length; i++) {
    if (pred[i] === truth[i]) hit++;
    if (pred[i] === 1 && truth[i] === 1) tp++;
    else if (pred[i] === 1) fp++;
    else if (truth[i] === 1) fn++;
  }
  const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  return { accuracy: hit / truth.length, f1 };
}
