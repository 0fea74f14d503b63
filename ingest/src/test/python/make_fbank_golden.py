#!/usr/bin/python3
"""Golden files for the log-mel front end, produced by the reference implementation.

Run with Debian's python3-torchaudio (0.13): /usr/bin/python3 ingest/src/test/python/make_fbank_golden.py
from the repository root (needs ../shared/data and the `flac` tool for the real-recording files).

Writes to ingest/src/test/resources/golden/:
  synthetic_*.wav        16 kHz inputs made here (16-bit PCM or 32-bit float) so that Java reads the same samples;
  synthetic_*.npy        torchaudio.compliance.kaldi.fbank of them (frames x 128, float32, log-mel, not normalised);
  real_*.npy             the same for segments of real 16 kHz ICBHI recordings (inputs stay in ../shared/data);
  *.f64.npy              the same function on the same samples in float64: torchaudio's float32 arithmetic itself
                         strays up to ~1e-3 from it in cells far below a frame's peak, so exactness is checked here;
  cycle_*.npy            normalised features of whole ICBHI cycles prepared as the Patch-Mix reference does
                         (whole-recording fade, floor slicing, repeat-pad to 8 s with fade-out);
  manifest.json          what each file is, with the parameters used.
"""
import json
import math
import os
import subprocess
import sys
import wave

import numpy as np
import torch
import torchaudio
import torchaudio.transforms as T

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(ROOT, "..", "resources", "golden"))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "..", "..", "..", "..", "shared", "data", "icbhi", "audio_and_txt_files"))
RATE = 16000
NORM_MEAN, NORM_STD = -4.2677393, 4.5689974


def fbank(wav):
    """Exactly the call the Patch-Mix / AST reference makes."""
    return torchaudio.compliance.kaldi.fbank(
        wav, htk_compat=True, sample_frequency=RATE, use_energy=False, window_type="hanning",
        num_mel_bins=128, dither=0.0, frame_shift=10)


def write_pcm16(path, x):
    pcm = np.clip(np.round(x * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    return pcm.astype(np.float32) / 32768.0  # what a decoder reads back


def write_float32(path, x):
    data = x.astype("<f4").tobytes()
    with open(path, "wb") as f:
        f.write(b"RIFF" + (36 + len(data)).to_bytes(4, "little") + b"WAVE")
        f.write(b"fmt " + (16).to_bytes(4, "little") + (3).to_bytes(2, "little") + (1).to_bytes(2, "little")
                + RATE.to_bytes(4, "little") + (RATE * 4).to_bytes(4, "little") + (4).to_bytes(2, "little")
                + (32).to_bytes(2, "little"))
        f.write(b"data" + len(data).to_bytes(4, "little") + data)
    return x.astype(np.float32)


def read_flac(path):
    wav_bytes = subprocess.run(["flac", "-d", "-c", "-s", path], check=True, capture_output=True).stdout
    import io
    with wave.open(io.BytesIO(wav_bytes)) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1 and w.getframerate() == RATE, path
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return pcm.astype(np.float32) / 32768.0


def save_both(name, wav, manifest, **info):
    """fbank of a float32 waveform as the reference computes it, and of the same samples in float64."""
    save(name + ".npy", fbank(wav.float()), manifest, **info)
    save(name + ".f64.npy", fbank(wav.double()), manifest, dtype="float64", **info)


def save(name, feats, manifest, **info):
    np.save(os.path.join(OUT, name), feats.numpy().astype(np.float32))
    manifest[name] = dict(info, frames=int(feats.shape[0]), bins=int(feats.shape[1]))


def synthetic(manifest):
    rng = np.random.default_rng(20261125)
    t = np.arange(int(1.5 * RATE)) / RATE
    # Chirp across the whole band plus noise: every mel bin sees energy.
    chirp = 0.4 * np.sin(2 * np.pi * (50 * t + (7900 - 50) / (2 * 1.5) * t * t)) + 0.05 * rng.standard_normal(t.size)
    # Quiet: low-level noise and a 300 Hz tone near the 16-bit floor, where log-energies approach the floor.
    quiet = 0.002 * np.sin(2 * np.pi * 300 * t) + 0.0005 * rng.standard_normal(t.size)
    # Clicks and a DC offset over silence: tests DC removal and pre-emphasis at transients.
    clicks = np.full(t.size, 0.1)
    clicks[::1601] = 0.9
    # A breath-like modulated noise with a wheeze tone, stored as 32-bit float (no quantisation).
    breath = (0.3 * (0.5 - 0.5 * np.cos(2 * np.pi * t / 1.5)) * rng.standard_normal(t.size)
              + 0.2 * np.sin(2 * np.pi * 440 * t) + 0.1 * np.sin(2 * np.pi * 880 * t))
    breath = np.clip(breath, -1, 1)
    for name, x, writer in [("synthetic_chirp", chirp, write_pcm16), ("synthetic_quiet", quiet, write_pcm16),
                            ("synthetic_clicks", clicks, write_pcm16), ("synthetic_breath_f32", breath, write_float32)]:
        decoded = writer(os.path.join(OUT, name + ".wav"), x)
        save_both(name, torch.from_numpy(decoded).unsqueeze(0), manifest, input=name + ".wav", kind="log-mel")


REAL = [("101_1b1_Al_sc_Meditron", 2.0, 5.0), ("151_2p2_Tc_mc_AKGC417L", 0.0, 3.0),
        ("160_1b2_Tc_mc_AKGC417L", 7.25, 10.25), ("165_1b1_Ar_sc_Meditron", 12.5, 14.0)]


def real(manifest):
    for name, start, end in REAL:
        x = read_flac(os.path.join(SHARED, name + ".flac"))
        seg = x[int(math.floor(start * RATE)):int(math.floor(end * RATE))]
        save_both(f"real_{name}_{start:g}_{end:g}", torch.from_numpy(seg.copy()).unsqueeze(0), manifest,
                  input=f"icbhi/audio_and_txt_files/{name}.flac", start=start, end=end, kind="log-mel")


def prepare_cycles(x, cycles, target=8 * RATE, fade_len=RATE // 16):
    """The reference's get_individual_cycles_torchaudio + cut_pad_sample_torchaudio (repeat padding)."""
    data = T.Fade(fade_in_len=fade_len, fade_out_len=fade_len, fade_shape="linear")(torch.from_numpy(x).unsqueeze(0))
    out = []
    for start, end in cycles:
        chunk = data[:, int(start * RATE):int(end * RATE)]
        if chunk.shape[-1] > target:
            chunk = chunk[..., :target]
        else:
            chunk = chunk.repeat(1, math.ceil(target / chunk.shape[-1]))[..., :target]
            chunk = T.Fade(fade_in_len=0, fade_out_len=fade_len, fade_shape="linear")(chunk)
        out.append(chunk)
    return out


def cycles(manifest):
    for name, indices in [("101_1b1_Al_sc_Meditron", [0]), ("160_1b2_Tc_mc_AKGC417L", [1])]:
        x = read_flac(os.path.join(SHARED, name + ".flac"))
        with open(os.path.join(SHARED, name + ".txt")) as f:
            spans = [tuple(float(v) for v in line.split()[:2]) for line in f if line.strip()]
        prepared = prepare_cycles(x, spans)
        for i in indices:
            feats = (fbank(prepared[i]) - NORM_MEAN) / (NORM_STD * 2)
            save(f"cycle_{name}_{i}.npy", feats, manifest, input=f"icbhi/audio_and_txt_files/{name}.flac",
                 cycle_index=i, start=spans[i][0], end=spans[i][1], kind="normalised cycle features")


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    manifest = {}
    synthetic(manifest)
    if os.path.isdir(SHARED):
        real(manifest)
        cycles(manifest)
    else:
        print("no ../shared/data: real-recording golden files not regenerated", file=sys.stderr)
    manifest["_reference"] = {"torch": torch.__version__, "torchaudio": torchaudio.__version__,
                              "call": "fbank(wav, htk_compat=True, sample_frequency=16000, use_energy=False, "
                                      "window_type='hanning', num_mel_bins=128, dither=0.0, frame_shift=10)",
                              "normalisation": [NORM_MEAN, NORM_STD * 2]}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
    print("wrote", len(manifest) - 1, "golden files to", OUT)


if __name__ == "__main__":
    main()
