"""An audio waveform as a pyramid of peaks, so that any zoom draws without decoding again.

Level 0 holds, for every ``BASE_FRAMES`` audio frames (all channels), the smallest and the
largest sample; each next level merges ``LEVEL_FACTOR`` buckets of the level below. Peaks
are 8-bit (a 16-bit sample divided by 256, the minimum rounded down and the maximum up, so
the stored envelope always contains the real samples): a 12-hour stereo recording at 48 kHz
takes about 21 MB for all levels together, 1.3 MB per hour.

``PeakAccumulator`` builds the pyramid while PCM streams in, and can be read at any moment
from another thread (the timeline draws the part analysed so far).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np

BASE_FRAMES = 256  # 5.3 ms at 48 kHz: about 2 px at the timeline's deepest zoom
LEVEL_FACTOR = 4
LEVELS = 6  # the coarsest bucket is 256 * 4**5 frames, 5.5 s at 48 kHz
QUANTUM = 256  # int16 sample -> int8 peak


@dataclass(frozen=True, slots=True)
class PeakLevel:
    frames_per_bucket: int
    mins: np.ndarray  # int8
    maxs: np.ndarray  # int8

    def __len__(self) -> int:
        return len(self.mins)

    def to_blob(self) -> bytes:
        """Min and max interleaved, two bytes per bucket."""
        return np.stack([self.mins, self.maxs], axis=1).astype(np.int8).tobytes()

    @classmethod
    def from_blob(cls, frames_per_bucket: int, blob: bytes) -> PeakLevel:
        pairs = np.frombuffer(blob, dtype=np.int8).reshape(-1, 2)
        return cls(frames_per_bucket, pairs[:, 0], pairs[:, 1])


@dataclass(frozen=True, slots=True)
class WaveformPyramid:
    sample_rate: int
    channels: int
    levels: tuple[PeakLevel, ...]

    def bucket_seconds(self, level: int) -> float:
        return self.levels[level].frames_per_bucket / self.sample_rate

    @property
    def seconds_covered(self) -> float:
        if not self.levels:
            return 0.0
        return len(self.levels[0]) * self.bucket_seconds(0)

    def level_for(self, seconds_per_pixel: float) -> int:
        """The coarsest level that still has at least one bucket per pixel."""
        chosen = 0
        for index in range(len(self.levels)):
            if self.bucket_seconds(index) <= seconds_per_pixel:
                chosen = index
        return chosen


def quantize_min(values: np.ndarray) -> np.ndarray:
    quantized: np.ndarray = np.clip(np.floor_divide(values, QUANTUM), -128, 127)
    return quantized.astype(np.int8)


def quantize_max(values: np.ndarray) -> np.ndarray:
    return np.clip(-np.floor_divide(-values.astype(np.int32), QUANTUM), -128, 127).astype(np.int8)


class _GrowingLevel:
    """Preallocated int8 arrays with a fill count; readers take a prefix (never reallocated
    under them: growth makes new arrays and the old prefix stays valid)."""

    def __init__(self, frames_per_bucket: int, capacity: int) -> None:
        self.frames_per_bucket = frames_per_bucket
        self.mins = np.zeros(max(16, capacity), dtype=np.int8)
        self.maxs = np.zeros(max(16, capacity), dtype=np.int8)
        self.count = 0

    def append(self, mins: np.ndarray, maxs: np.ndarray) -> None:
        needed = self.count + len(mins)
        if needed > len(self.mins):
            size = max(needed, len(self.mins) * 2)
            grown_min = np.zeros(size, dtype=np.int8)
            grown_max = np.zeros(size, dtype=np.int8)
            grown_min[: self.count] = self.mins[: self.count]
            grown_max[: self.count] = self.maxs[: self.count]
            self.mins, self.maxs = grown_min, grown_max
        self.mins[self.count : needed] = mins
        self.maxs[self.count : needed] = maxs
        self.count = needed

    def snapshot(self) -> PeakLevel:
        count = self.count
        return PeakLevel(self.frames_per_bucket, self.mins[:count], self.maxs[:count])


class PeakAccumulator:
    """Feed interleaved signed 16-bit PCM; read the pyramid built so far at any time."""

    def __init__(self, sample_rate: int, channels: int, expected_seconds: float = 0.0) -> None:
        if sample_rate <= 0 or channels <= 0:
            raise ValueError("sample_rate and channels must be positive")
        self.sample_rate = sample_rate
        self.channels = channels
        expected = int(expected_seconds * sample_rate / BASE_FRAMES) + 2
        self._levels = [
            _GrowingLevel(BASE_FRAMES * LEVEL_FACTOR**k, expected // LEVEL_FACTOR**k + 2)
            for k in range(LEVELS)
        ]
        self._carry = np.zeros(0, dtype=np.int16)
        self._odd_byte = b""
        self._lock = threading.Lock()  # feeding is single-threaded; this guards finish()
        self.frames = 0
        self.finished = False

    def feed(self, pcm: bytes | bytearray | memoryview) -> None:
        data = bytes(pcm)
        if self._odd_byte:  # a pipe read may end in the middle of a sample
            data = self._odd_byte + data
        self._odd_byte = data[-1:] if len(data) % 2 else b""
        samples = np.frombuffer(data[: len(data) - len(self._odd_byte)], dtype="<i2")
        if len(self._carry):
            samples = np.concatenate([self._carry, samples])
        bucket = BASE_FRAMES * self.channels
        whole = len(samples) // bucket
        if whole:
            block = samples[: whole * bucket].reshape(whole, bucket)
            self._levels[0].append(quantize_min(block.min(axis=1)), quantize_max(block.max(axis=1)))
            self._propagate(final=False)
        self._carry = samples[whole * bucket :].copy()
        self.frames = self._levels[0].count * BASE_FRAMES + len(self._carry) // self.channels

    def finish(self) -> WaveformPyramid:
        with self._lock:
            if not self.finished:
                usable = len(self._carry) - len(self._carry) % self.channels
                if usable:
                    tail = self._carry[:usable]
                    self._levels[0].append(
                        quantize_min(np.array([tail.min()])), quantize_max(np.array([tail.max()]))
                    )
                self._carry = np.zeros(0, dtype=np.int16)
                self._propagate(final=True)
                self.finished = True
        return self.pyramid()

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate

    def pyramid(self) -> WaveformPyramid:
        return WaveformPyramid(
            self.sample_rate, self.channels, tuple(level.snapshot() for level in self._levels)
        )

    def _propagate(self, *, final: bool) -> None:
        for index in range(1, LEVELS):
            below, level = self._levels[index - 1], self._levels[index]
            groups = below.count / LEVEL_FACTOR
            complete = math.ceil(groups) if final else math.floor(groups)
            if complete <= level.count:
                continue
            lo, hi = level.count * LEVEL_FACTOR, min(complete * LEVEL_FACTOR, below.count)
            starts = np.arange(0, hi - lo, LEVEL_FACTOR)
            level.append(
                np.minimum.reduceat(below.mins[lo:hi], starts),
                np.maximum.reduceat(below.maxs[lo:hi], starts),
            )


def pyramid_from_levels(
    sample_rate: int, channels: int, blobs: list[tuple[int, bytes]]
) -> WaveformPyramid:
    """Rebuild a stored pyramid from ``(frames_per_bucket, blob)`` pairs, finest first."""
    levels = tuple(PeakLevel.from_blob(frames, blob) for frames, blob in sorted(blobs))
    return WaveformPyramid(sample_rate, channels, levels)


def joined(parts: list[WaveformPyramid]) -> WaveformPyramid:
    """One pyramid from pyramids of consecutive parts of the audio, each but the last a
    whole number of level-0 buckets long (level 0 is joined, the levels above rebuilt)."""
    first = parts[0]
    mins = np.concatenate([part.levels[0].mins for part in parts])
    maxs = np.concatenate([part.levels[0].maxs for part in parts])
    levels = [PeakLevel(BASE_FRAMES, mins, maxs)]
    for index in range(1, LEVELS):
        below = levels[-1]
        starts = np.arange(0, len(below), LEVEL_FACTOR)
        if not len(starts):
            levels.append(PeakLevel(BASE_FRAMES * LEVEL_FACTOR**index, below.mins, below.maxs))
            continue
        levels.append(
            PeakLevel(
                BASE_FRAMES * LEVEL_FACTOR**index,
                np.minimum.reduceat(below.mins, starts),
                np.maximum.reduceat(below.maxs, starts),
            )
        )
    return WaveformPyramid(first.sample_rate, first.channels, tuple(levels))
