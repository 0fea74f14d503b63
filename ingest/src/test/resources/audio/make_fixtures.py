#!/usr/bin/python3
"""Small FLAC fixtures for the decoder tests (run from this folder; needs the `flac` tool). The WAV sources are made
here from known signals, encoded with flac, and only the .flac files and the expected samples' recipe are committed:
a 440 Hz tone at 0.5 amplitude, 8000 Hz, 0.25 s; stereo files carry the tone in the left channel and its negation
times 0.5 in the right one, so the mono downmix is 0.25 x tone."""
import os
import subprocess
import wave

import numpy as np

RATE = 8000
N = RATE // 4
tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(N) / RATE)


def write(name, channels, width):
    scale = float(2 ** (8 * width - 1) - 1)
    data = np.stack(channels, axis=1)
    ints = np.round(data * scale).astype(np.int64)
    raw = b"".join(int(v).to_bytes(width, "little", signed=True) for v in ints.reshape(-1))
    with wave.open(name + ".wav", "wb") as w:
        w.setnchannels(len(channels))
        w.setsampwidth(width)
        w.setframerate(RATE)
        w.writeframes(raw)
    subprocess.run(["flac", "-s", "-f", "--best", "-o", name + ".flac", name + ".wav"], check=True)
    os.remove(name + ".wav")


write("tone_16bit_mono", [tone], 2)
write("tone_24bit_mono", [tone], 3)
write("tone_16bit_stereo", [tone, -0.5 * tone], 2)
write("tone_24bit_stereo", [tone, -0.5 * tone], 3)
