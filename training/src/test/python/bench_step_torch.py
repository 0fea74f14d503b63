#!/usr/bin/python3
"""PyTorch baseline: time of one Patch-Mix contrastive training step of the AST.

Reference timing for the Java/DJL training code, on the same CPU machine. Follows
/work/shared/spec/patch-mix-cl.md sections 3-6 (model, Patch-Mix, contrastive loss,
optimiser and weight averaging). Data are random (B, 1, 128, T) tensors standing in
for normalised log-mel spectrograms, and random labels in 0..3: this measures compute,
not learning.

Usage (Debian's PyTorch 1.13; not the pyenv python3):

    /usr/bin/python3 training/src/test/python/bench_step_torch.py \\
        [--dim 192] [--depth 4] [--heads 3] [--stride 10] [--frames 798] \\
        [--batch 8] [--steps 10] [--warmup 2] [--threads 2] \\
        [--method patchmix-cl|ce] [--seed 0] [--device cpu|cuda] [--json]

  --method patchmix-cl  one step = clean forward + CE, Patch-Mix forward + projector +
                        contrastive loss, backward, Adam(5e-5, L2 1e-6), then
                        weights = 0.5 * before + 0.5 * after (the paper's method)
  --method ce           one plain CE forward/backward + the same optimiser step and
                        averaging (reference point)
  --device cuda         model, optimiser state and batch on the first CUDA GPU; each timed
                        step is bracketed by torch.cuda.synchronize(), and the peak memory
                        printed is torch.cuda.max_memory_allocated() (tensors only, not the
                        caching allocator's reserve) besides the process RSS. Default: cpu.
  --json                additionally print one JSON line with the numbers

On a CUDA machine, any python3 with a CUDA torch: add --device cuda (scripts/gpu-check does).

Printed: config, token count N (patches + 2 prefix tokens), parameter count, median /
min / max seconds per timed step, samples/s, peak RSS (ru_maxrss) in MB, the load
average before and after, and the loss of the first (warm-up) and last step.

BLAS caveat: Debian's python3-torch 1.13.1 is built with BLAS_INFO=generic and links
libblas.so.3 dynamically; on this machine that resolves to the *reference* (netlib) BLAS
(~2 GFLOP/s on a 1024^3 matmul), so every Linear / matmul is ~10x slower than with an
optimised BLAS. For a fair baseline against DJL's libtorch (official libtorch CPU builds use MKL) the main
numbers below use OpenBLAS 0.3.21 (Debian libopenblas0-pthread, unpacked with
`apt-get download` + `dpkg -x` into a private folder, nothing installed system-wide) put in
front of the reference BLAS for this process only (~20 GFLOP/s on 2048^3):

    LD_LIBRARY_PATH=<dir>/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=2 \\
        /usr/bin/python3 training/src/test/python/bench_step_torch.py --json

The script prints which BLAS library is mapped ("blas:" line / "blas" JSON field).
Debian's torch also starts with 1 OpenMP thread here, so the script calls
torch.set_num_threads(--threads) itself.

Measured 2026-11-25 on the 2-core "Intel Xeon Processor" VM (AVX2, 23 GB RAM), torch
1.13.0a0 (Debian 1.13.1+dfsg), oneDNN 2.6.3, batch 8, 798 frames, threads 2. The machine
was shared with other sessions' Maven/JVM test runs: load = `uptime` 1/5/15-min load
averages before -> after each run. Loads of 3-4 on 2 cores mean the spread (min..max) is
mostly contention; the min is the best estimate of the unloaded cost.

  run (batch 8, threads 2)                  tokens  params     s/step median (min..max)   samples/s  peak RSS  load before -> after
  (a)  patchmix-cl D192 L4 H3 s10, OpenBLAS   950   2,087,620   12.74 (8.97..16.51)       0.63       2127 MB   3.39,1.98,1.39 -> 3.29,2.58,1.73
  (b)  ce          D192 L4 H3 s10, OpenBLAS   950   2,087,620    8.32 (3.70..13.29)       0.96       1388 MB   3.51,2.64,1.75 -> 3.90,3.08,2.01
  (c)  patchmix-cl D192 L4 H3 s16, OpenBLAS   394   1,980,868    2.88 (2.49..4.04)        2.77        905 MB   3.90,3.08,2.01 -> 3.44,3.05,2.04
  (a') as (a), reference BLAS as installed    950   2,087,620  102.12 (one timed step)      0.078      2082 MB   2.56,2.87,2.01 -> 2.18,2.68,2.12
  (d)  patchmix-cl D768 L12 H12 s10, OpenBLAS 950  87,171,844  > 560 s: not finished
      (--steps 1 --warmup 0 under `timeout 560`, killed, rc 124; RSS seen >= 15.2 GB at 4.5 min;
      load 2.18,2.68,2.12 -> up to 6.12 during -> 3.37,4.24,3.39). So one paper-size step costs
      well over 9 min on this box; the brief's --steps 2 --warmup 1 run was not attempted.

  (a), (b), (c) used --steps 10 --warmup 2, (a') --steps 1 --warmup 1; parameter
  counts are AST + head (LN + Linear(D,4)) + projector: D192 s10 = 2,011,968 + 1,156 +
  74,496; D768 = 85,984,512 (the spec's "about 86 M") + 4,612 + 1,182,720.
  Losses (seed 0): (a) first 3.6248 last 2.7254; (a') the same first two steps as (a)
  (3.6248, 3.2936), i.e. the BLAS swap does not change the losses (to 4 decimals); (b) 1.4880 -> 0.9919;
  (c) 4.2754 -> 3.0478.
"""

import argparse
import json
import math
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


# ----------------------------------------------------------------------------- model

class Attention(nn.Module):
    """Multi-head self-attention, written out: one qkv Linear(D, 3D) with bias, softmax(q k^T / sqrt(hd)) v, proj."""

    def __init__(self, dim, heads):
        super().__init__()
        assert dim % heads == 0, "dim must be divisible by heads"
        self.heads = heads
        self.head_dim = dim // heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, d = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]                      # (B, H, N, hd)
        attn = torch.matmul(q, k.transpose(-2, -1)) * self.scale   # (B, H, N, N)
        attn = attn.softmax(dim=-1)
        out = torch.matmul(attn, v)                           # (B, H, N, hd)
        out = out.transpose(1, 2).reshape(b, n, d)
        return self.proj(out)


class Block(nn.Module):
    """Pre-norm transformer block: x + attn(LN(x)); x + mlp(LN(x)); MLP D -> 4D -> D with exact GELU."""

    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        x = x + self.fc2(F.gelu(self.fc1(self.norm2(x))))    # F.gelu default = exact (erf)
        return x


class AST(nn.Module):
    """Audio Spectrogram Transformer as in spec section 3 (without pretrained weights)."""

    def __init__(self, dim=192, depth=4, heads=3, stride=10, mel=128, frames=798, patch=16):
        super().__init__()
        self.patch_embed = nn.Conv2d(1, dim, kernel_size=patch, stride=stride)
        self.f_grid = (mel - patch) // stride + 1
        self.t_grid = (frames - patch) // stride + 1
        self.num_patches = self.f_grid * self.t_grid
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.dist_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, self.num_patches + 2, dim))
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self._init()

    def _init(self):
        for p in (self.cls_token, self.dist_token, self.pos_embed):
            nn.init.trunc_normal_(p, std=0.02)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def embed(self, x):
        """(B, 1, 128, T) -> patch embeddings (B, N, D), flattened frequency-major (index f * t_grid + t)."""
        return self.patch_embed(x).flatten(2).transpose(1, 2)

    def encode(self, patches):
        """Patch embeddings (B, N, D) -> pooled feature (B, D): prefix tokens, pos-embedding, blocks, final LN."""
        b = patches.shape[0]
        x = torch.cat([self.cls_token.expand(b, -1, -1), self.dist_token.expand(b, -1, -1), patches], dim=1)
        x = x + self.pos_embed
        for blk in self.blocks:
            x = blk(x)
        x = self.norm(x)
        return 0.5 * (x[:, 0] + x[:, 1])


def make_head(dim, classes=4):
    return nn.Sequential(nn.LayerNorm(dim, eps=1e-5), nn.Linear(dim, classes))


def make_projector(dim):
    return nn.Sequential(nn.Linear(dim, dim), nn.BatchNorm1d(dim), nn.ReLU(inplace=True), nn.Linear(dim, dim))


# ----------------------------------------------------------------------------- Patch-Mix CL

def patch_mix(patches, gen):
    """Spec section 4: one random set of patch indices for the whole batch, replaced by the partner's patches.

    Returns (mixed patches, partner permutation, recomputed lambda)."""
    b, n, _ = patches.shape
    lam = torch.distributions.Beta(1.0, 1.0).sample().item()
    num_mix = int(math.floor(n * (1.0 - lam)))
    perm = torch.randperm(b, generator=gen).to(patches.device)
    idx = torch.randperm(n, generator=gen)[:num_mix].to(patches.device)
    mixed = patches.clone()
    mixed[:, idx, :] = patches[perm][:, idx, :]
    lam = 1.0 - num_mix / n
    return mixed, perm, lam


def contrastive_loss(p, z, perm, lam, tau=0.06):
    """Spec section 5: S = norm(p) norm(z)^T / tau; target M[i,i] = lam, M[i,perm[i]] += 1 - lam."""
    p = F.normalize(p, dim=1)
    z = F.normalize(z, dim=1)
    s = torch.matmul(p, z.t()) / tau
    b = s.shape[0]
    m = torch.zeros_like(s)
    rows = torch.arange(b, device=s.device)
    m[rows, rows] = lam
    m[rows, perm] += 1.0 - lam                               # M[i,i] = 1 when perm[i] == i
    return (-(m * F.log_softmax(s, dim=1)).sum(dim=1)).mean()


def step_patchmix_cl(model, head, projector, x, y, gen, alpha=1.0):
    f = model.encode(model.embed(x))
    ce = F.cross_entropy(head(f), y)
    mixed, perm, lam = patch_mix(model.embed(x), gen)
    f_mix = model.encode(mixed)
    l_cl = contrastive_loss(projector(f_mix), f.detach(), perm, lam)
    return ce + alpha * l_cl


def step_ce(model, head, projector, x, y, gen):
    return F.cross_entropy(head(model.encode(model.embed(x))), y)


# ----------------------------------------------------------------------------- benchmark

def blas_library():
    """The BLAS shared object actually mapped into this process (Debian's torch links libblas.so.3 dynamically)."""
    try:
        with open("/proc/self/maps") as fh:
            libs = {line.split()[-1] for line in fh if "blas" in line.rsplit("/", 1)[-1].lower()}
        return ",".join(sorted(libs)) or "unknown"
    except OSError:
        return "unknown"


def load_avg():
    return [round(v, 2) for v in os.getloadavg()]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dim", type=int, default=192)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--heads", type=int, default=3)
    ap.add_argument("--stride", type=int, default=10)
    ap.add_argument("--frames", type=int, default=798)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--steps", type=int, default=10, help="timed steps")
    ap.add_argument("--warmup", type=int, default=2, help="untimed steps first")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="torch intra-op threads (default: all cores)")
    ap.add_argument("--method", choices=["patchmix-cl", "ce"], default="patchmix-cl")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu",
                    help="where the model and the batch live (cuda: the first GPU)")
    ap.add_argument("--json", action="store_true", help="also print one JSON line with the results")
    a = ap.parse_args(argv)
    if a.steps < 1:
        ap.error("--steps must be >= 1")

    if a.device == "cuda" and not torch.cuda.is_available():
        ap.error("--device cuda: torch.cuda.is_available() is False (torch " + torch.__version__ + ")")
    device = torch.device(a.device)
    cuda = device.type == "cuda"

    def sync():
        if cuda:
            torch.cuda.synchronize(device)

    # Debian's torch starts with 1 OpenMP thread on this machine: set it explicitly.
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed + 1)

    model = AST(a.dim, a.depth, a.heads, a.stride, 128, a.frames).to(device)
    head = make_head(a.dim).to(device)
    projector = make_projector(a.dim).to(device)
    modules = [model, head, projector]
    for mod in modules:
        mod.train()
    params = [p for mod in modules for p in mod.parameters()]
    n_params = sum(p.numel() for p in params)
    n_params_model = sum(p.numel() for p in model.parameters())
    n_params_head = sum(p.numel() for p in head.parameters())
    n_params_proj = sum(p.numel() for p in projector.parameters())
    tokens = model.num_patches + 2
    opt = torch.optim.Adam(params, lr=5e-5, weight_decay=1e-6)   # L2 added to the gradient, not AdamW

    x = torch.randn(a.batch, 1, 128, a.frames).to(device)
    y = torch.randint(0, 4, (a.batch,)).to(device)
    step_fn = step_patchmix_cl if a.method == "patchmix-cl" else step_ce

    print(f"config: method={a.method} dim={a.dim} depth={a.depth} heads={a.heads} stride={a.stride} "
          f"frames={a.frames} batch={a.batch} steps={a.steps} warmup={a.warmup} threads={torch.get_num_threads()} "
          f"torch={torch.__version__}", flush=True)
    print(f"blas: {blas_library()}", flush=True)
    if cuda:
        print(f"device: cuda {torch.cuda.get_device_name(device)} (torch {torch.__version__}, CUDA "
              f"{torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}, "
              f"{torch.cuda.device_count()} visible)", flush=True)
        torch.cuda.reset_peak_memory_stats(device)
    else:
        print(f"device: cpu (torch {torch.__version__})", flush=True)
    print(f"grid: {model.f_grid} x {model.t_grid} = {model.num_patches} patches, N = {tokens} tokens incl. prefix",
          flush=True)
    print(f"parameters: {n_params} (AST {n_params_model}, head {n_params_head}, projector {n_params_proj})",
          flush=True)
    load_before = load_avg()

    def one_step():
        before = [p.detach().clone() for p in params]
        opt.zero_grad(set_to_none=True)
        loss = step_fn(model, head, projector, x, y, gen)
        loss.backward()
        opt.step()
        with torch.no_grad():
            for p, b in zip(params, before):
                p.mul_(0.5).add_(b, alpha=0.5)
        value = loss.item()
        assert math.isfinite(value), f"loss is not finite: {value}"
        return value

    first_loss = None
    last_loss = None
    times = []
    for i in range(a.warmup + a.steps):
        sync()
        t0 = time.perf_counter()
        last_loss = one_step()
        sync()
        dt = time.perf_counter() - t0
        if first_loss is None:
            first_loss = last_loss
        phase = "warmup" if i < a.warmup else "timed"
        if i >= a.warmup:
            times.append(dt)
        print(f"  step {i + 1} ({phase}): {dt:.3f} s, loss {last_loss:.4f}", flush=True)

    med = statistics.median(times)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0   # Linux: KiB
    load_after = load_avg()
    gpu_peak_mb = torch.cuda.max_memory_allocated(device) / 2 ** 20 if cuda else None
    res = {
        "method": a.method, "dim": a.dim, "depth": a.depth, "heads": a.heads, "stride": a.stride,
        "frames": a.frames, "batch": a.batch, "steps": a.steps, "warmup": a.warmup,
        "threads": torch.get_num_threads(), "tokens": tokens, "patches": model.num_patches,
        "params": n_params, "params_ast": n_params_model,
        "median_s": round(med, 4), "min_s": round(min(times), 4), "max_s": round(max(times), 4),
        "samples_per_s": round(a.batch / med, 3), "peak_rss_mb": round(rss_mb, 1),
        "first_loss": round(first_loss, 5), "last_loss": round(last_loss, 5),
        "load_before": load_before, "load_after": load_after, "torch": torch.__version__,
        "blas": blas_library(), "device": a.device,
        "gpu": torch.cuda.get_device_name(device) if cuda else None,
        "gpu_peak_allocated_mb": round(gpu_peak_mb, 1) if cuda else None,
    }
    print(f"seconds/step: median {med:.3f}  min {min(times):.3f}  max {max(times):.3f}  ({a.steps} timed steps)")
    print(f"samples/s: {a.batch / med:.2f}")
    print(f"peak RSS: {rss_mb:.1f} MB")
    if cuda:
        print(f"peak GPU memory: {gpu_peak_mb:.1f} MB (torch.cuda.max_memory_allocated)")
    print(f"loss: first {first_loss:.4f}  last {last_loss:.4f}")
    print(f"load average: before {load_before}  after {load_after}")
    if a.json:
        print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
