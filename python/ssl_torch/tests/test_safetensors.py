import json
import os
import struct
import tempfile
import unittest

import torch

from ssl_torch import safetensors_io


class SafetensorsTest(unittest.TestCase):
    def test_bytes_match_the_format_built_by_hand(self):
        t = {"a": torch.tensor([[1.0, -2.0]]), "b": torch.tensor([7], dtype=torch.int32)}
        data = safetensors_io.dumps(t, {"k": "v"}, use_package=False)
        header = {
            "__metadata__": {"k": "v"},
            "a": {"dtype": "F32", "shape": [1, 2], "data_offsets": [0, 8]},
            "b": {"dtype": "I32", "shape": [1], "data_offsets": [8, 12]},
        }
        hb = json.dumps(header, separators=(",", ":")).encode()
        hb += b" " * ((8 - len(hb) % 8) % 8)
        expected = struct.pack("<Q", len(hb)) + hb + struct.pack("<ffi", 1.0, -2.0, 7)
        self.assertEqual(data, expected)

    def test_round_trip_through_a_file(self):
        t = {"w": torch.randn(3, 4, 5), "ids": torch.arange(6, dtype=torch.int64), "u8": torch.tensor([0, 255], dtype=torch.uint8)}
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "x.safetensors")
            safetensors_io.save_file(t, path, {"m": "1"}, use_package=False)
            back, meta = safetensors_io.load_file(path, use_package=False)
        self.assertEqual(meta, {"m": "1"})
        self.assertEqual(list(back), ["w", "ids", "u8"])
        for k in t:
            self.assertEqual(back[k].dtype, t[k].dtype)
            self.assertTrue(torch.equal(back[k], t[k]))

    def test_refuses_a_truncated_file(self):
        data = safetensors_io.dumps({"a": torch.zeros(4)}, use_package=False)
        with self.assertRaisesRegex(ValueError, "data_offsets"):
            safetensors_io.loads(data[:-4], use_package=False)
        with self.assertRaisesRegex(ValueError, "header length"):
            safetensors_io.loads(struct.pack("<Q", 10**9) + b"{}", use_package=False)


if __name__ == "__main__":
    unittest.main()
