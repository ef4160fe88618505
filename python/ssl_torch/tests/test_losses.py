import math
import unittest

import torch

from ssl_torch import nt_xent_loss


def naive_nt_xent(z1, z2, t):
    """The paper's algorithm, one anchor at a time, in plain Python floats."""
    n = len(z1)
    rows = [list(map(float, r)) for r in list(z1) + list(z2)]
    u = []
    for r in rows:
        norm = math.sqrt(sum(x * x for x in r))
        u.append([x / norm for x in r])
    total = 0.0
    for i in range(2 * n):
        pos = (i + n) % (2 * n)
        sims = [sum(a * b for a, b in zip(u[i], u[j])) / t for j in range(2 * n)]
        denom = sum(math.exp(sims[j]) for j in range(2 * n) if j != i)
        total += -(sims[pos] - math.log(denom))
    return total / (2 * n)


class NtXentTest(unittest.TestCase):
    def test_equals_a_naive_loop(self):
        g = torch.Generator().manual_seed(0)
        for n, d, t in [(2, 3, 0.5), (5, 4, 0.1), (8, 16, 1.0)]:
            z1 = torch.randn(n, d, generator=g, dtype=torch.float64)
            z2 = torch.randn(n, d, generator=g, dtype=torch.float64)
            got = float(nt_xent_loss(z1, z2, temperature=t))
            self.assertAlmostEqual(got, naive_nt_xent(z1, z2, t), places=9)

    def test_identical_views_closed_form(self):
        # orthogonal unit rows, z1 == z2: positive logit 1/t, the 2N-2 negatives 0
        n, t = 4, 0.5
        z = torch.eye(n, dtype=torch.float64)
        expected = -1 / t + math.log(math.exp(1 / t) + 2 * n - 2)
        self.assertAlmostEqual(float(nt_xent_loss(z, z.clone(), temperature=t)), expected, places=12)

    def test_rejects_bad_settings(self):
        with self.assertRaisesRegex(ValueError, "temperature"):
            nt_xent_loss(torch.ones(2, 2), torch.ones(2, 2), temperature=0)
        with self.assertRaisesRegex(ValueError, "z1 and z2"):
            nt_xent_loss(torch.ones(2, 2), torch.ones(3, 2))


if __name__ == "__main__":
    unittest.main()
