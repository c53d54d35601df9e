#!/usr/bin/python3
"""Kiln's PyTorch peer: the seed networks in PyTorch on the CPU, measured as `kiln bench` measures Kiln.

    kiln_peer.py check [--threads 1,2]   the BLAS, threads and oneDNN state torch runs with; exits 3 on a slow BLAS
    kiln_peer.py describe               every network's parameters (name and shape) and forward FLOPs; needs no torch
    kiln_peer.py speed [--nets tf-mnist,...] [--threads 1,2] [--batches 64,128] [--seconds 3]
    kiln_peer.py accuracy [--net tf-mnist] [--epochs 3] [--threads 2] [--data DIR] [--layout auto|NCHW|channels_last]

Needs Debian's PyTorch on an optimized BLAS:
    apt-get install -y python3-torch python3-numpy libopenblas0-pthread
Output is tab separated, one line per measurement after a header line; lines starting with '#'
describe the environment. Run with /usr/bin/python3, the Python that Debian's packages are for.
"""
import argparse
import collections
import gzip
import os
import struct
import sys
import time

INSTALL_HINT = "apt-get install -y python3-torch python3-numpy libopenblas0-pthread"

# ---------------------------------------------------------------------------------------------
# The seed networks, layer by layer as their annotated classes in
# networks/src/main/java/dev/kiln/networks/ declare them (same names, sizes, activations,
# padding and initialisation), so that `describe` can be compared with Kiln's models in a test.

Conv = collections.namedtuple("Conv", "name filters kernel same relu init l2", defaults=(0.0,))
Pool = collections.namedtuple("Pool", "name size same")  # same: TensorFlow SAME, i.e. ceil(in / size)
Dense = collections.namedtuple("Dense", "name units relu init")
Dropout = collections.namedtuple("Dropout", "name rate")
# Weight initialisation as Kiln's Init: ("auto",) is He normal before a ReLU and Glorot uniform
# otherwise, with zero biases; ("normal" | "truncated", stddev, bias).
AUTO = ("auto",)


def normal(stddev, bias=0.0):
    return ("normal", stddev, bias)


def truncated(stddev, bias=0.0):
    return ("truncated", stddev, bias)


Network = collections.namedtuple("Network", "channels side classes layers")

NETWORKS = {
    "tf-mnist": Network(1, 28, 10, [
        Conv("conv1", 32, 5, True, True, normal(0.05)), Pool("pool1", 2, False),
        Conv("conv2", 64, 5, True, True, normal(0.05)), Pool("pool2", 2, False),
        Dense("fc1", 1024, True, normal(0.05)), Dropout("dropout", 0.5),
        Dense("logits", 10, False, normal(0.05))]),
    "keras-mnist": Network(1, 28, 10, [
        Conv("conv1", 32, 3, False, True, AUTO), Pool("pool1", 2, False),
        Conv("conv2", 64, 3, False, True, AUTO), Pool("pool2", 2, False),  # 11 -> 5: the last row is dropped
        Dense("logits", 10, False, AUTO)]),
    "pytorch-mnist": Network(1, 28, 10, [
        Conv("conv1", 32, 3, False, True, AUTO), Pool("pool1", 2, False),
        Conv("conv2", 64, 2, False, True, AUTO), Pool("pool2", 2, False),
        Dense("logits", 10, False, AUTO)]),
    "tf-16-36": Network(1, 28, 10, [
        # Kiln applies the ReLU before the pooling; max pooling and ReLU commute, so this is the
        # tutorial's pool-then-ReLU network.
        Conv("conv1", 16, 5, True, True, truncated(0.05, 0.05)), Pool("pool1", 2, True),
        Conv("conv2", 36, 5, True, True, truncated(0.05, 0.05)), Pool("pool2", 2, True),
        Dense("fc1", 128, True, truncated(0.05, 0.05)), Dense("logits", 10, False, truncated(0.05, 0.05))]),
    "lenet-like": Network(1, 28, 10, [
        Conv("conv1", 32, 3, True, True, normal(0.01)), Pool("pool1", 2, True), Dropout("drop1", 0.2),
        Conv("conv2", 64, 3, True, True, normal(0.01)), Pool("pool2", 2, True), Dropout("drop2", 0.2),
        Conv("conv3", 128, 3, True, True, normal(0.01)), Pool("pool3", 2, True), Dropout("drop3", 0.2),
        Dense("fc1", 625, True, normal(0.01)), Dropout("drop4", 0.5),
        Dense("logits", 10, False, normal(0.01))]),
    "emotion": Network(1, 48, 7, [
        Conv("conv1", 32, 5, True, True, truncated(0.02), l2=0.01), Pool("pool1", 2, True),
        Conv("conv2", 64, 3, True, True, truncated(0.02), l2=0.01), Pool("pool2", 2, True),
        Dense("fc1", 256, True, truncated(0.02)), Dropout("dropout", 0.5),
        Dense("logits", 7, False, truncated(0.02))]),
}


def shapes(net):
    """Walks the layers without torch: yields (layer, input shape (c, h, w) or features, output shape)."""
    shape = (net.channels, net.side, net.side)
    for layer in net.layers:
        if isinstance(layer, Conv):
            c, h, w = shape
            if layer.same:
                out = (layer.filters, h, w)
            else:
                out = (layer.filters, h - layer.kernel + 1, w - layer.kernel + 1)
        elif isinstance(layer, Pool):
            c, h, w = shape
            cut = (lambda n: -(-n // layer.size)) if layer.same else (lambda n: n // layer.size)
            out = (c, cut(h), cut(w))
        elif isinstance(layer, Dense):
            out = (layer.units,)
        else:
            out = shape
        yield layer, shape, out
        shape = out


def features(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def parameters(net):
    """(name, PyTorch shape, l2 factor) of every parameter, in order."""
    result = []
    for layer, before, after in shapes(net):
        l2 = getattr(layer, "l2", 0.0)
        if isinstance(layer, Conv):
            result += [(layer.name + ".weight", (layer.filters, before[0], layer.kernel, layer.kernel), l2),
                       (layer.name + ".bias", (layer.filters,), l2)]
        elif isinstance(layer, Dense):
            result += [(layer.name + ".weight", (layer.units, features(before)), l2),
                       (layer.name + ".bias", (layer.units,), l2)]
    return result


def forward_flops(net):
    """Multiplications and additions of the convolutions and dense layers for one image."""
    flops = 0
    for layer, before, after in shapes(net):
        if isinstance(layer, Conv):
            flops += 2 * layer.kernel * layer.kernel * before[0] * features(after)
        elif isinstance(layer, Dense):
            flops += 2 * features(before) * layer.units
    return flops


def describe(_args):
    print("net\tparameter\tshape\tl2\tforward_flops")
    for name, net in NETWORKS.items():
        for parameter, shape, l2 in parameters(net):
            print("%s\t%s\t%s\t%g\t%d" % (name, parameter, "x".join(map(str, shape)), l2, forward_flops(net)))


# ---------------------------------------------------------------------------------------------
# Which BLAS torch runs on. Debian's python3-torch is built against the generic libblas.so.3
# (torch.__config__.show() says BLAS_INFO=generic), and Debian's alternatives system decides which
# library that name opens: the reference BLAS (package libblas3, plain loops, several times slower
# on dense layers and convolution gradients), or OpenBLAS or BLIS when installed. Only the memory
# map of the running process says which one was loaded.

OPTIMIZED = ("openblas", "mkl", "blis")


def mapped_libraries(maps_text):
    """The files of shared libraries in a /proc/<pid>/maps text."""
    paths = set()
    for line in maps_text.splitlines():
        fields = line.split(None, 5)
        if len(fields) == 6 and fields[5].startswith("/") and ".so" in fields[5]:
            paths.add(fields[5].strip())
    return sorted(paths)


def blas_kind(path):
    """The implementation a library file belongs to, by its name or folder, or None. MKL's files
    are libmkl_* (oneDNN's former name, libmkldnn, is no BLAS); Debian puts OpenBLAS's and BLIS's
    libblas.so.3 in folders named after them."""
    folder, file = os.path.basename(os.path.dirname(path)).lower(), os.path.basename(path).lower()
    if file.startswith("libmkl_"):
        return "mkl"
    for kind in ("openblas", "blis"):
        if kind in folder or kind in file:
            return kind
    return None


def classify_blas(maps_text, torch_config):
    """(kind, evidence): kind is one of OPTIMIZED, "reference" or "unknown".

    The library mapped under the generic name libblas.so.3 decides, because torch links that name
    and it comes first in torch's symbol lookups: OpenBLAS's LAPACK may be mapped beside a reference
    libblas.so.3 (LD_LIBRARY_PATH, or alternatives set by hand) without running torch's sgemm. With
    no generic library mapped, an optimized library under its own name (MKL's libmkl_rt behind the
    alternative) decides; with no BLAS library mapped at all, torch carries its BLAS inside itself
    (wheels with MKL), and its build configuration names it."""
    libraries = mapped_libraries(maps_text)
    generic = [p for p in libraries if os.path.basename(p).startswith("libblas.so")]
    if generic:
        kinds = [blas_kind(p) for p in generic]
        if None in kinds:
            return "reference", ", ".join(p for p, k in zip(generic, kinds) if k is None)
        return kinds[0], ", ".join(generic)
    for path in libraries:
        kind = blas_kind(path)
        if kind is not None:
            return kind, path
    for line in torch_config.splitlines():
        for setting in line.replace(",", " ").split():
            if setting.startswith("BLAS_INFO="):
                value = setting.split("=", 1)[1].lower()
                for kind in OPTIMIZED:
                    if value.startswith(kind) or (kind == "openblas" and value == "open"):
                        return kind, "built into torch (" + setting + ")"
    return "unknown", "no BLAS library mapped and torch's build names none"


def blas_problem(kind, evidence):
    """The message that refuses a BLAS, or None when it is an optimized one."""
    if kind in OPTIMIZED:
        return None
    what = "the reference BLAS" if kind == "reference" else "an unknown BLAS"
    return ("kiln_peer: torch runs its matrix products on %s (%s). PyTorch measured on it would be several "
            "times slower than PyTorch really is, so the peer refuses to run. Install OpenBLAS, which Debian's "
            "alternatives then pick for libblas.so.3: apt-get install libopenblas0-pthread (if it is installed, "
            "see update-alternatives --display libblas.so.3-x86_64-linux-gnu, and LD_LIBRARY_PATH)"
            % (what, evidence))


class Blas:
    """The BLAS this process loaded, and its thread count where it exposes one."""

    def __init__(self, torch):
        # Load the BLAS: torch opens libblas.so.3 lazily on the first float matrix product.
        torch.mm(torch.ones(8, 8), torch.ones(8, 8))
        with open("/proc/self/maps") as maps:
            self.maps = maps.read()
        self.kind, self.evidence = classify_blas(self.maps, torch.__config__.show())
        self._openblas = None
        if self.kind == "openblas":
            import ctypes
            for path in mapped_libraries(self.maps):
                if "openblas" in path:
                    try:
                        library = ctypes.CDLL(path)
                        library.openblas_get_num_threads.restype = ctypes.c_int
                        library.openblas_get_config.restype = ctypes.c_char_p
                        self._openblas = library
                        break
                    except (OSError, AttributeError):
                        continue

    def set_threads(self, n):
        if self._openblas is not None:
            self._openblas.openblas_set_num_threads(n)

    def threads(self):
        return self._openblas.openblas_get_num_threads() if self._openblas is not None else "n/a"

    def config(self):
        return self._openblas.openblas_get_config().decode() if self._openblas is not None else self.kind


# ---------------------------------------------------------------------------------------------
# PyTorch's settings for its best speed on a small CPU machine. Each can be switched off to check
# what it is worth: KILN_PEER_BLAS_THREADS=same, KILN_PEER_UNTUNED=1, KILN_PEER_ONEDNN=0.
# - torch's own OpenMP threads = the thread count of the row (torch.set_num_threads).
# - OpenBLAS threads = 1. OpenBLAS's pthreads would run beside torch's OpenMP threads and
#   oversubscribe the cores. On this project's 2-core Zen 3 (Debian torch 1.13.1, OpenBLAS 0.3.21),
#   one interleaved round on a machine shared with other builds gave, on 2 threads at batch 64,
#   43 against 16 images/s for tf-mnist and 52 against 32 for keras-mnist (1 OpenBLAS thread
#   against as many as torch's). That load makes the figures rough; the direction agrees with
#   earlier measurements on an AVX-512 machine.
# - oneDNN (mkldnn) on, torch's default: it runs the convolutions.
# - glibc malloc keeps freed memory instead of unmapping large blocks (the MALLOC_* settings).
#   Otherwise every training step maps its large tensors again and page-faults them in. glibc
#   reads these settings only when the process starts, so the script restarts itself with them.
#   Its effect was not measured on this machine: the comparison run did not finish under the load.
# - ATen's AVX-512 kernels where the CPU has them (ATEN_CPU_CAPABILITY=avx512). torch 1.13 runs its
#   own kernels (elementwise, pooling, the optimizer's arithmetic) at AVX2 unless told otherwise,
#   even on an AVX-512 CPU. On a 2-core AVX-512 Xeon, 2 threads, batch 64, two interleaved rounds:
#   tf-mnist trained at 1119 and 1187 images/s against 964 and 1009 at AVX2; keras-mnist, lenet-like
#   and tf-16-36 moved within the rounds' noise. Like the malloc settings, torch reads it at start.
#   A capability the user set is kept.
TUNING = {
    "MALLOC_MMAP_THRESHOLD_": str(1 << 30),
    "MALLOC_TRIM_THRESHOLD_": str(1 << 34),
    "MALLOC_TOP_PAD_": str(1 << 28),
}
AVX512_FLAGS = {"avx512f", "avx512bw", "avx512vl", "avx512dq"}   # what ATen's AVX512 build needs


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


if AVX512_FLAGS <= cpu_flags():
    TUNING["ATEN_CPU_CAPABILITY"] = os.environ.get("ATEN_CPU_CAPABILITY", "avx512")
# KILN_PEER_ISA=avx2 (`kiln bench --avx2`, Kiln's JVM then at -XX:UseAVX=2): torch as on a machine
# whose widest vectors are AVX2's, every library held to them: ATen's kernels, oneDNN's (its
# convolutions; it would pick AVX-512 by itself) and OpenBLAS's (the Haswell kernels, its AVX2 ones).
PEER_ISA = os.environ.get("KILN_PEER_ISA", "")
if PEER_ISA == "avx2":
    TUNING.update(ATEN_CPU_CAPABILITY="avx2", ONEDNN_MAX_CPU_ISA="AVX2", OPENBLAS_CORETYPE="Haswell")
elif PEER_ISA:
    sys.exit("kiln_peer: KILN_PEER_ISA must be avx2 or unset, got %r" % PEER_ISA)
# "1", or "same" for as many OpenBLAS threads as torch threads; KILN_PEER_BLAS_THREADS overrides it.
BLAS_THREADS = os.environ.get("KILN_PEER_BLAS_THREADS", "1")


def restart_tuned():
    if os.environ.get("KILN_PEER_UNTUNED") == "1" or all(k in os.environ for k in TUNING):
        return
    os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, **TUNING))


def load_torch():
    try:
        import torch
    except ImportError as e:
        sys.exit("kiln_peer: PyTorch is not installed for %s (%s): %s" % (sys.executable, e, INSTALL_HINT))
    return torch


def prepare(torch):
    """Checks the BLAS (exits 3 on a slow one), prints the environment as '#' lines, and returns the Blas."""
    if os.environ.get("KILN_PEER_ONEDNN") == "0":  # only to measure what oneDNN is worth
        torch.backends.mkldnn.enabled = False
    blas = Blas(torch)
    problem = blas_problem(blas.kind, blas.evidence)
    if problem is not None:
        print(problem, file=sys.stderr)
        sys.exit(3)
    capability = [line.split(":", 1)[1].strip() for line in torch.__config__.show().splitlines()
                  if "CPU capability usage" in line]
    print("# torch %s, BLAS %s (%s: %s)" % (torch.__version__, blas.kind, blas.config(), blas.evidence))
    print("# oneDNN (mkldnn): available %s, enabled %s, instruction sets %s; CPU capability %s"
          % (torch.backends.mkldnn.is_available(), torch.backends.mkldnn.enabled,
             "up to " + os.environ["ONEDNN_MAX_CPU_ISA"] if "ONEDNN_MAX_CPU_ISA" in os.environ else "all the CPU has",
             capability[0] if capability else "?"))
    print("# glibc malloc keeps freed memory (MALLOC_* set): %s"
          % all(k in os.environ for k in TUNING if k.startswith("MALLOC_")), flush=True)
    return blas


def use_threads(torch, blas, n):
    """Sets the thread counts for a measurement on n threads and prints them as a '#' line."""
    torch.set_num_threads(n)
    blas.set_threads(n if BLAS_THREADS == "same" else int(BLAS_THREADS))
    print("# on %d thread%s: torch threads %d, inter-op threads %d, OpenBLAS threads %s"
          % (n, "" if n == 1 else "s", torch.get_num_threads(), torch.get_num_interop_threads(), blas.threads()),
          flush=True)


def build(torch, net, seed=0):
    """The network as a torch.nn.Sequential, initialised as Kiln initialises it."""
    nn = torch.nn
    torch.manual_seed(seed)
    modules, flattened = [], False
    for layer, before, after in shapes(net):
        if isinstance(layer, Conv):
            module = nn.Conv2d(before[0], layer.filters, layer.kernel, padding=layer.kernel // 2 if layer.same else 0)
        elif isinstance(layer, Dense):
            if not flattened:
                modules.append(nn.Flatten())
                flattened = True
            module = nn.Linear(features(before), layer.units)
        elif isinstance(layer, Pool):
            modules.append(nn.MaxPool2d(layer.size, ceil_mode=layer.same))
            continue
        else:
            modules.append(nn.Dropout(layer.rate))
            continue
        initialise(torch, module, layer.init, layer.relu)
        modules.append(module)
        if layer.relu:
            modules.append(nn.ReLU())
    return nn.Sequential(*modules)


def initialise(torch, module, init, relu):
    init_ = torch.nn.init
    with torch.no_grad():
        if init[0] == "auto" and relu:
            init_.kaiming_normal_(module.weight, nonlinearity="relu")
        elif init[0] == "auto":
            init_.xavier_uniform_(module.weight)
        elif init[0] == "normal":
            init_.normal_(module.weight, 0.0, init[1])
        else:
            init_.trunc_normal_(module.weight, 0.0, init[1], -2 * init[1], 2 * init[1])
        module.bias.fill_(init[2] if len(init) > 2 else 0.0)


def l2_penalty(model, net):
    """Kiln's l2: 0.01 * sum(w^2) / 2 over the weights and biases of the layers that declare it."""
    modules = [m for m in model if hasattr(m, "weight")]
    layers = [l for l in net.layers if isinstance(l, (Conv, Dense))]
    terms = [getattr(l, "l2", 0.0) * ((m.weight ** 2).sum() + (m.bias ** 2).sum()) / 2
             for l, m in zip(layers, modules) if getattr(l, "l2", 0.0) > 0]
    return sum(terms) if terms else None


def training_step(torch, model, net, optimizer):
    penalty_of = (lambda: l2_penalty(model, net)) if any(getattr(l, "l2", 0.0) for l in net.layers) else None

    def step(images, labels):
        optimizer.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(images), labels)
        if penalty_of is not None:
            loss = loss + penalty_of()
        loss.backward()
        optimizer.step()
        return loss
    return step


# ---------------------------------------------------------------------------------------------
# PyTorch's own advice for convolutional networks on a CPU, taken wherever a short trial finds it
# faster, so that the peer runs as a user who follows that advice would (each choice is printed):
# - Training in the channels_last (NHWC) memory format, weights and images: oneDNN's convolutions
#   then work in their own layout rather than reordering NCHW tensors at every call. On the Zen 5
#   (2026-12-05, 2 threads, batch 64, two rounds) it trained pytorch-mnist at 9,500-10,600 images/s
#   against 5,900-6,300 in NCHW, keras-mnist at 7,200-7,400 against 5,200-5,600, lenet-like at
#   2,260-2,300 against 1,920-1,980 and tf-mnist at 1,630-1,980 against 1,460-1,760.
# - Inference through TorchScript: the model traced, frozen and passed through
#   torch.jit.optimize_for_inference, which prepacks the convolutions' weights for oneDNN and fuses
#   their ReLUs. The same day, 256 images on 2 threads: pytorch-mnist 51,000-64,000 images/s against
#   9,400-9,700 eager, lenet-like 13,700 against 5,900, emotion 7,200 against 2,600; one image on
#   one thread: pytorch-mnist 77-117 us against 109-171, tf-mnist 945-1,045 against 1,400-1,470.
#   Its outputs equalled the eager model's on those batches.
# Adam's foreach form was no faster there (torch 1.13 keeps its per-parameter loop on the CPU).
LAYOUTS = ("NCHW", "channels_last")
TRIAL_SECONDS = 0.5


def in_layout(torch, module_or_images, layout):
    """A module or a batch of images in the memory format layout (one of LAYOUTS)."""
    if layout == "channels_last":
        return module_or_images.to(memory_format=torch.channels_last)
    return module_or_images


def layout_trainer(torch, net, layout, lr=1e-3, seed=0):
    """A fresh model of net in layout (one of LAYOUTS), and its training step with Adam at lr."""
    model = in_layout(torch, build(torch, net, seed), layout)
    return model, training_step(torch, model, net, torch.optim.Adam(model.parameters(), lr=lr))


def training_layout(torch, net, batch):
    """(layout, what the trial measured): the layout in which a short trial on throwaway models trains net faster."""
    shape = (net.channels, net.side, net.side)
    labels = torch.randint(0, net.classes, (batch,))
    rates = {}
    for layout in LAYOUTS:
        _, step = layout_trainer(torch, net, layout)
        images = in_layout(torch, torch.rand((batch,) + shape), layout)
        rates[layout] = batch / median_seconds(lambda: step(images, labels), TRIAL_SECONDS, 3)
    trial = ", ".join("%s %.0f images/s" % (layout, rate) for layout, rate in rates.items())
    return max(rates, key=rates.get), "a %.1f s trial each: %s" % (TRIAL_SECONDS, trial)


def inference_forms(torch, model, example):
    """The ways the model (in eval mode) can predict: as it is, and as TorchScript optimized for inference."""
    with torch.no_grad():
        scripted = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(model, example)))
    return {"eager": model, "TorchScript": scripted}


def fastest(forms, images):
    """The name of the form that predicts images fastest in a short trial (under the caller's threads and mode)."""
    seconds = {name: median_seconds(lambda: form(images), TRIAL_SECONDS, 3) for name, form in forms.items()}
    return min(seconds, key=seconds.get)


def median_seconds(call, seconds, at_least):
    """Median wall time of call(), after a warm-up, over `seconds` and at least `at_least` calls."""
    warm_until = time.perf_counter() + min(1.0, seconds / 3)
    for _ in range(3):
        call()
    while time.perf_counter() < warm_until:
        call()
    times, stop = [], time.perf_counter() + seconds
    while time.perf_counter() < stop or len(times) < at_least:
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2]


def speed(args):
    torch = load_torch()
    blas = prepare(torch)
    print("net\tthreads\tbatch\ttrain_img_s\ttrain_gflops\tinfer_b1_us\tinfer_b256_img_s\tforward_flops"
          "\ttrain_layout\tinfer_b1_form\tinfer_b256_form", flush=True)
    for name in args.nets.split(","):
        net = NETWORKS[name]
        flops = forward_flops(net)
        shape = (net.channels, net.side, net.side)
        for threads in [int(t) for t in args.threads.split(",")]:
            use_threads(torch, blas, threads)
            for batch in [int(b) for b in args.batches.split(",")]:
                layout, trial = training_layout(torch, net, batch)
                print("# %s, %d thread%s, batch %d: trains in %s (%s)" % (name, threads, "" if threads == 1 else "s",
                      batch, layout, trial), flush=True)
                model, step = layout_trainer(torch, net, layout)
                generator = torch.Generator().manual_seed(42)
                images = in_layout(torch, torch.rand((batch,) + shape, generator=generator), layout)
                labels = torch.randint(0, net.classes, (batch,), generator=generator)
                model.train()
                train = median_seconds(lambda: step(images, labels), args.seconds, 5)
                model.eval()
                one = in_layout(torch, torch.rand((1,) + shape), layout)
                many = in_layout(torch, torch.rand((256,) + shape), layout)
                forms = inference_forms(torch, model, one)
                with torch.inference_mode():
                    # One image on one thread, as Kiln predicts one image on its caller's thread:
                    # on 2 cores torch's second thread only adds a hand-over to so little work.
                    torch.set_num_threads(1)
                    single_form = fastest(forms, one)
                    single = median_seconds(lambda: forms[single_form](one), args.seconds / 2, 50)
                    torch.set_num_threads(threads)
                    batched_form = fastest(forms, many)
                    batched = median_seconds(lambda: forms[batched_form](many), args.seconds / 2, 5)
                print("%s\t%d\t%d\t%.0f\t%.1f\t%.0f\t%.0f\t%d\t%s\t%s\t%s" % (
                    name, threads, batch, batch / train, batch / train * 3 * flops / 1e9,
                    single * 1e6, 256 / batched, flops, layout, single_form, batched_form), flush=True)


def read_idx(path):
    """An IDX file (gzip or plain) as (shape, bytes)."""
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 8:
        raise ValueError("%s is not an IDX file of unsigned bytes" % path)
    dims = data[3]
    shape = struct.unpack(">%dI" % dims, data[4:4 + 4 * dims])
    if len(data) != 4 + 4 * dims + features(shape):
        raise ValueError("%s: %d bytes of data, the header announces %s" % (path, len(data) - 4 - 4 * dims, shape))
    return shape, data[4 + 4 * dims:]


def fashion_mnist(torch, folder, part):
    import numpy as np

    def idx(kind):
        for suffix in (".gz", ""):
            path = os.path.join(folder, "%s-%s%s" % (part, kind, suffix))
            if os.path.exists(path):
                return read_idx(path)
        sys.exit("kiln_peer: no %s-%s(.gz) in %s (apt-get install dataset-fashion-mnist, or --data DIR)"
                 % (part, kind, folder))
    shape, pixels = idx("images-idx3-ubyte")
    _, labels = idx("labels-idx1-ubyte")
    images = torch.from_numpy(np.frombuffer(pixels, dtype=np.uint8).reshape(shape[0], 1, shape[1], shape[2])
                              .astype(np.float32) / 255.0)
    return images, torch.from_numpy(np.frombuffer(labels, dtype=np.uint8).astype(np.int64))


def accuracy(args):
    torch = load_torch()
    blas = prepare(torch)
    use_threads(torch, blas, args.threads)
    net = NETWORKS[args.net]
    train_x, train_y = fashion_mnist(torch, args.data, "train")
    test_x, test_y = fashion_mnist(torch, args.data, "t10k")
    if args.layout == "auto":
        layout, trial = training_layout(torch, net, args.batch)
    else:
        layout, trial = args.layout, "as --layout says"
    print("# %s trains in %s (%s)" % (args.net, layout, trial), flush=True)
    model, step = layout_trainer(torch, net, layout, lr=args.lr, seed=args.seed)
    order = torch.Generator().manual_seed(args.seed)
    print("net\tepoch\tepoch_seconds\ttrain_loss\ttest_accuracy", flush=True)
    for epoch in range(1, args.epochs + 1):
        model.train()
        start, loss_sum = time.perf_counter(), 0.0
        permutation = torch.randperm(len(train_x), generator=order)
        for first in range(0, len(train_x), args.batch):
            chosen = permutation[first:first + args.batch]
            loss_sum += step(in_layout(torch, train_x[chosen], layout), train_y[chosen]).item() * len(chosen)
        seconds = time.perf_counter() - start
        model.eval()
        print("%s\t%d\t%.1f\t%.4f\t%.4f" % (args.net, epoch, seconds, loss_sum / len(train_x),
                                              test_accuracy(torch, model, layout, test_x, test_y)), flush=True)


def test_accuracy(torch, model, layout, images, labels, batch=1000):
    """The share of images the model classifies as labelled, in batches, each form timed on the first batch and the faster kept."""
    forms = inference_forms(torch, model, in_layout(torch, images[:1], layout))
    correct, form = 0, None
    with torch.inference_mode():
        for first in range(0, len(images), batch):
            x = in_layout(torch, images[first:first + batch], layout)
            if form is None:
                seconds = {}
                for name, candidate in forms.items():
                    start = time.perf_counter()
                    predicted = candidate(x)
                    seconds[name] = time.perf_counter() - start
                form = forms[min(seconds, key=seconds.get)]
            else:
                predicted = form(x)
            correct += (predicted.argmax(1) == labels[first:first + batch]).sum().item()
    return correct / len(images)


def check(args):
    torch = load_torch()
    blas = prepare(torch)
    for threads in [int(t) for t in args.threads.split(",")]:
        use_threads(torch, blas, threads)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    c = commands.add_parser("check")
    c.add_argument("--threads", default="1,2")
    c.set_defaults(run=check)
    commands.add_parser("describe").set_defaults(run=describe)
    s = commands.add_parser("speed")
    s.add_argument("--nets", default=",".join(NETWORKS))
    s.add_argument("--threads", default="1,2")
    s.add_argument("--batches", default="64,128")
    s.add_argument("--seconds", type=float, default=3.0)
    s.set_defaults(run=speed)
    a = commands.add_parser("accuracy")
    a.add_argument("--net", default="tf-mnist", choices=sorted(NETWORKS))
    a.add_argument("--epochs", type=int, default=3)
    a.add_argument("--batch", type=int, default=64)
    a.add_argument("--lr", type=float, default=1e-3)
    a.add_argument("--threads", type=int, default=2)
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    # auto times both layouts first (a second or two); a whole epoch's wall time is fairer to the
    # peer with the layout given, as a user who knows it would write the script.
    a.add_argument("--layout", default="auto", choices=("auto",) + LAYOUTS)
    a.set_defaults(run=accuracy)
    args = parser.parse_args(argv)
    if args.command == "speed":
        for name in args.nets.split(","):
            if name not in NETWORKS:
                parser.error("unknown network %r; the seed networks are %s" % (name, ", ".join(NETWORKS)))
    if args.command != "describe":
        restart_tuned()
    args.run(args)


if __name__ == "__main__":
    main()
