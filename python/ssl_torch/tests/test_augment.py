import unittest

import torch

from ssl_torch.augment import augment
from ssl_torch.layers import same_padding


class AugmentTest(unittest.TestCase):
    def setUp(self):
        self.x = torch.rand(6, 1, 28, 28, generator=torch.Generator().manual_seed(0))
        self.idx = torch.tensor([10, 11, 12, 13, 14, 15])

    def test_a_sample_gets_the_same_view_in_any_batch(self):
        # what makes N processes see what one process sees
        whole = augment(self.x, self.idx, seed=3, step=7, view=0)
        halves = torch.cat([augment(self.x[:2], self.idx[:2], 3, 7, 0), augment(self.x[2:], self.idx[2:], 3, 7, 0)])
        torch.testing.assert_close(halves, whole, rtol=0, atol=1e-6)

    def test_views_steps_and_seeds_differ(self):
        a = augment(self.x, self.idx, 3, 7, 0)
        for other in (augment(self.x, self.idx, 3, 7, 1), augment(self.x, self.idx, 3, 8, 0), augment(self.x, self.idx, 4, 7, 0)):
            self.assertGreater(float((a - other).abs().max()), 1e-3)
        self.assertEqual(a.shape, self.x.shape)
        self.assertGreaterEqual(float(a.min()), 0.0)
        self.assertLessEqual(float(a.max()), 1.0 + 1e-6)


class SamePaddingTest(unittest.TestCase):
    def test_tensorflow_rule_puts_the_extra_pixel_after(self):
        # out = ceil(in / s); total = max((out - 1) s + k - in, 0); before = total // 2
        self.assertEqual(same_padding(32, 3, 2), (0, 1))
        self.assertEqual(same_padding(28, 7, 2), (2, 3))
        self.assertEqual(same_padding(28, 3, 1), (1, 1))
        self.assertEqual(same_padding(28, 1, 2), (0, 0))
        self.assertEqual(same_padding(14, 3, 2), (0, 1))


if __name__ == "__main__":
    unittest.main()
