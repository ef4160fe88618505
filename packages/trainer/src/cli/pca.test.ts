import { pca } from './pca';

describe('pca', () => {
  it('finds the axes of a known covariance (closed form) and projects onto them', () => {
    // rows: a*(3 along u) + b*(2 along w) + offset, u, w orthonormal in 4-D, a, b in {-1, 1} (all 4 combos)
    const u = [0.6, 0.8, 0, 0];
    const w = [0, 0, 0.6, -0.8];
    const off = [1, 2, 3, 4];
    const rows: number[] = [];
    const signs = [
      [1, 1],
      [1, -1],
      [-1, 1],
      [-1, -1],
    ];
    for (const [a, b] of signs)
      for (let j = 0; j < 4; j++) rows.push(off[j] + 3 * a * u[j] + 2 * b * w[j]);
    const { components, variances, projected } = pca(rows, 4, 4, 2);
    // covariance = 9 u u^T + 4 w w^T: eigenvalues 9 and 4, eigenvectors u and w (sign: largest entry > 0)
    expect(variances[0]).toBeCloseTo(9, 9);
    expect(variances[1]).toBeCloseTo(4, 9);
    components[0].forEach((e, j) => expect(e).toBeCloseTo(u[j], 9));
    components[1].forEach((e, j) => expect(e).toBeCloseTo(-w[j], 9)); // -w: its largest entry (0.8) positive
    // coordinates: (3a, -2b)
    signs.forEach(([a, b], i) => {
      expect(projected[2 * i]).toBeCloseTo(3 * a, 9);
      expect(projected[2 * i + 1]).toBeCloseTo(-2 * b, 9);
    });
  });

  it('refuses a shape that does not match', () => {
    expect(() => pca([1, 2, 3], 2, 2)).toThrow('pca: x must hold n*d = 2*2 numbers, got 3');
  });
});
