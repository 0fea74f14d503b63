#!/usr/bin/python3
"""Times torchaudio.compliance.kaldi.fbank on one 8 s window (798 x 128), the baseline of the Java front end benchmark.

Usage: /usr/bin/python3 ingest/src/test/python/bench_fbank.py [threads]   (default 1 thread, like the JMH benchmark)
"""
import sys
import time

import torch
import torchaudio

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(threads)
wav = (0.1 * torch.randn(1, 128000, generator=torch.Generator().manual_seed(1))).float()


def run():
    return torchaudio.compliance.kaldi.fbank(wav, htk_compat=True, sample_frequency=16000, use_energy=False,
                                             window_type="hanning", num_mel_bins=128, dither=0.0, frame_shift=10)


assert run().shape == (798, 128)
for _ in range(50):  # warm-up
    run()
times = []
for _ in range(5):
    n = 100
    t = time.perf_counter()
    for _ in range(n):
        run()
    times.append((time.perf_counter() - t) / n * 1000)
times.sort()
print(f"torchaudio {torchaudio.__version__} fbank, 8 s window, {threads} thread(s): "
      f"median {times[2]:.2f} ms, min {times[0]:.2f} ms, max {times[-1]:.2f} ms per window (5 x 100 calls)")
