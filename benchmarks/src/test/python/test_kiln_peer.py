"""Tests of the PyTorch peer's logic: without torch, the BLAS check on canned memory maps, the IDX
reader and the networks' shape arithmetic; with torch, that its faster forms compute what the plain
model does. Run: python3 -m unittest discover -s benchmarks/src/test/python
(PeerScriptTest runs them in the build)."""
import gzip
import os
import struct
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source folders
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "main", "peer"))
import kiln_peer  # noqa: E402


def maps(*paths):
    """A /proc/self/maps text with these files mapped, among the usual anonymous and special regions."""
    lines = ["55d0c0a00000-55d0c0a21000 r--p 00000000 fe:01 123 /usr/bin/python3.11",
             "7f1e2c000000-7f1e2c021000 rw-p 00000000 00:00 0 ",
             "7ffd4b5e0000-7ffd4b601000 rw-p 00000000 00:00 0                          [stack]"]
    for i, path in enumerate(paths):
        lines.append("7f1e3%03x0000-7f1e3%03x8000 r-xp 00000000 fe:01 %d                    %s" % (i, i, 1000 + i, path))
    return "\n".join(lines) + "\n"


DEBIAN_TORCH = "/usr/lib/x86_64-linux-gnu/libtorch_cpu.so.1.13"
GENERIC_CONFIG = "  - Build settings: BLAS_INFO=generic, BUILD_TYPE=RelWithDebInfo, LAPACK_INFO=generic,"


class BlasCheck(unittest.TestCase):

    def test_openblas_behind_the_generic_name_is_accepted(self):
        kind, evidence = kiln_peer.classify_blas(maps(
            DEBIAN_TORCH, "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3",
            "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so"), GENERIC_CONFIG)
        self.assertEqual("openblas", kind)
        self.assertIn("openblas-pthread/libblas.so.3", evidence)
        self.assertIsNone(kiln_peer.blas_problem(kind, evidence))

    def test_reference_blas_is_refused_with_the_package_to_install(self):
        kind, evidence = kiln_peer.classify_blas(maps(
            DEBIAN_TORCH, "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3",
            "/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3"), GENERIC_CONFIG)
        self.assertEqual("reference", kind)
        problem = kiln_peer.blas_problem(kind, evidence)
        self.assertIn("reference BLAS", problem)
        self.assertIn("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3", problem)
        self.assertIn("apt-get install libopenblas0-pthread", problem)

    def test_reference_blas_beside_openblas_lapack_is_refused(self):
        # What LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas gives with OpenBLAS installed: torch's
        # sgemm comes from the reference libblas.so.3 that it links first.
        kind, evidence = kiln_peer.classify_blas(maps(
            DEBIAN_TORCH, "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3",
            "/usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3",
            "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so"), GENERIC_CONFIG)
        self.assertEqual(("reference", "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"), (kind, evidence))

    def test_blis_and_mkl_are_accepted(self):
        self.assertEqual("blis", kiln_peer.classify_blas(
            maps(DEBIAN_TORCH, "/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3"), GENERIC_CONFIG)[0])
        # MKL behind the alternative: the generic name resolves to libmkl_rt itself.
        self.assertEqual("mkl", kiln_peer.classify_blas(
            maps(DEBIAN_TORCH, "/usr/lib/x86_64-linux-gnu/libmkl_rt.so.2"), GENERIC_CONFIG)[0])

    def test_onednn_is_not_mistaken_for_mkl(self):
        kind, _ = kiln_peer.classify_blas(maps(
            DEBIAN_TORCH, "/usr/lib/x86_64-linux-gnu/libmkldnn.so.2", "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"),
            GENERIC_CONFIG)
        self.assertEqual("reference", kind)

    def test_blas_built_into_torch_is_read_from_its_configuration(self):
        config = "  - Build settings: BLAS_INFO=mkl, BUILD_TYPE=Release, LAPACK_INFO=mkl,"
        self.assertEqual("mkl", kiln_peer.classify_blas(maps("/opt/venv/torch/lib/libtorch_cpu.so"), config)[0])
        self.assertEqual("openblas", kiln_peer.classify_blas(
            maps("/opt/venv/torch/lib/libtorch_cpu.so"), config.replace("mkl", "open"))[0])

    def test_nothing_known_is_refused(self):
        kind, evidence = kiln_peer.classify_blas(maps(DEBIAN_TORCH), GENERIC_CONFIG)
        self.assertEqual("unknown", kind)
        self.assertIn("unknown BLAS", kiln_peer.blas_problem(kind, evidence))

    def test_maps_lines_without_files_are_ignored(self):
        self.assertEqual([DEBIAN_TORCH], kiln_peer.mapped_libraries(maps(DEBIAN_TORCH)))


class Networks(unittest.TestCase):

    def test_tf_mnist_shapes_and_flops(self):
        net = kiln_peer.NETWORKS["tf-mnist"]
        self.assertEqual([("conv1.weight", (32, 1, 5, 5), 0.0), ("conv1.bias", (32,), 0.0),
                          ("conv2.weight", (64, 32, 5, 5), 0.0), ("conv2.bias", (64,), 0.0),
                          ("fc1.weight", (1024, 3136), 0.0), ("fc1.bias", (1024,), 0.0),
                          ("logits.weight", (10, 1024), 0.0), ("logits.bias", (10,), 0.0)],
                         kiln_peer.parameters(net))
        conv = 2 * 25 * 28 * 28 * 32 + 2 * 25 * 32 * 14 * 14 * 64
        self.assertEqual(conv + 2 * 3136 * 1024 + 2 * 1024 * 10, kiln_peer.forward_flops(net))

    def test_same_pooling_rounds_up_and_valid_pooling_down(self):
        lenet = [after for layer, _, after in kiln_peer.shapes(kiln_peer.NETWORKS["lenet-like"])
                 if isinstance(layer, kiln_peer.Pool)]
        self.assertEqual([(32, 14, 14), (64, 7, 7), (128, 4, 4)], lenet)
        keras = [after for layer, _, after in kiln_peer.shapes(kiln_peer.NETWORKS["keras-mnist"])
                 if isinstance(layer, kiln_peer.Pool)]
        self.assertEqual([(32, 13, 13), (64, 5, 5)], keras)


def torch_or_none():
    try:
        import torch
        return torch
    except ImportError:
        return None


TORCH = torch_or_none()


@unittest.skipIf(TORCH is None, "python3-torch is not installed")
class FasterForms(unittest.TestCase):
    """The layout and inference form the peer picks by speed must not change what it computes."""

    def test_channels_last_trains_to_the_same_loss(self):
        torch = TORCH
        net = kiln_peer.NETWORKS["keras-mnist"]
        images, labels = torch.rand((8, 1, 28, 28), generator=torch.Generator().manual_seed(1)), torch.arange(8) % 10
        losses = {}
        for layout in kiln_peer.LAYOUTS:
            model = kiln_peer.in_layout(torch, kiln_peer.build(torch, net), layout).eval()  # eval: no dropout
            step = kiln_peer.training_step(torch, model, net, torch.optim.Adam(model.parameters(), lr=1e-3))
            x = kiln_peer.in_layout(torch, images, layout)
            losses[layout] = [step(x, labels).item() for _ in range(3)]
        self.assertTrue(x.is_contiguous(memory_format=torch.channels_last))
        for plain, nhwc in zip(losses["NCHW"], losses["channels_last"]):
            self.assertAlmostEqual(plain, nhwc, delta=1e-5 * abs(plain))

    def test_torchscript_predicts_what_the_model_does_at_any_batch(self):
        torch = TORCH
        for layout in kiln_peer.LAYOUTS:
            model = kiln_peer.in_layout(torch, kiln_peer.build(torch, kiln_peer.NETWORKS["lenet-like"]), layout).eval()
            images = kiln_peer.in_layout(torch, torch.rand((5, 1, 28, 28), generator=torch.Generator().manual_seed(2)), layout)
            forms = kiln_peer.inference_forms(torch, model, images[:1])
            self.assertEqual({"eager", "TorchScript"}, set(forms))
            with torch.inference_mode():
                expected = model(images)
                self.assertLess((forms["TorchScript"](images) - expected).abs().max().item(), 1e-5)
                self.assertIn(kiln_peer.fastest(forms, images), forms)

    def test_test_accuracy_counts_the_labels_predicted(self):
        torch = TORCH
        model = kiln_peer.build(torch, kiln_peer.NETWORKS["pytorch-mnist"]).eval()
        images = torch.rand((30, 1, 28, 28), generator=torch.Generator().manual_seed(3))
        with torch.inference_mode():
            predicted = model(images).argmax(1)
        labels = predicted.clone()
        labels[:6] = (labels[:6] + 1) % 10
        self.assertAlmostEqual(24 / 30, kiln_peer.test_accuracy(torch, model, "NCHW", images, labels, batch=7))


class IdxFiles(unittest.TestCase):

    def write(self, name, data, compress):
        path = os.path.join(self.folder.name, name)
        with (gzip.open if compress else open)(path, "wb") as f:
            f.write(data)
        return path

    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.folder.cleanup()

    def test_reads_gzip_and_plain_files(self):
        data = struct.pack(">BBBB3I", 0, 0, 8, 3, 2, 2, 3) + bytes(range(12))
        for compress, name in ((True, "x.gz"), (False, "x")):
            shape, values = kiln_peer.read_idx(self.write(name, data, compress))
            self.assertEqual((2, 2, 3), shape)
            self.assertEqual(bytes(range(12)), values)

    def test_truncated_file_is_rejected_with_its_name(self):
        path = self.write("short", struct.pack(">BBBB3I", 0, 0, 8, 3, 2, 2, 3) + bytes(5), False)
        with self.assertRaisesRegex(ValueError, "short: 5 bytes"):
            kiln_peer.read_idx(path)

    def test_other_files_are_rejected(self):
        with self.assertRaisesRegex(ValueError, "not an IDX file"):
            kiln_peer.read_idx(self.write("text", b"hello world", False))


if __name__ == "__main__":
    unittest.main()
