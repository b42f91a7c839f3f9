// Test support: Pearson's chi-square statistic for uniformity, and its p-value from the regularised gamma Q.

/**
 * The statistic Σ (observed − expected)² / expected for counts that should all equal their mean.
 *
 * @example
 * chiSquareUniform([10, 10, 10]); // 0
 */
export function chiSquareUniform(counts: readonly number[]): number {
  const total = counts.reduce((sum, n) => sum + n, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
}

/** P(X ≥ statistic) for X ~ χ²(df): the chance of a result at least this uneven from a uniform source. */
export function chiSquarePValue(statistic: number, df: number): number {
  return upperRegularizedGamma(df / 2, statistic / 2);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0 (Lanczos, g = 7; about 15 significant digits). */
function lnGamma(z: number): number {
  const shifted = z - 1;
  let series = 0;
  for (const [i, coefficient] of LANCZOS.entries()) series += i === 0 ? coefficient : coefficient / (shifted + i);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(series);
}

/** Q(a, x) = Γ(a, x) / Γ(a): a series below x = a + 1, a continued fraction above (Numerical Recipes §6.2). */
function upperRegularizedGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const front = Math.exp(-x + a * Math.log(x) - lnGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1_000 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return 1 - sum * front;
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return front * h;
}
