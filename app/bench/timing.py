"""Timing helpers: many samples, reported as min / median / p99 (or p95 for fewer samples)."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Stats:
    """Durations in seconds."""

    samples: int
    min: float
    median: float
    p99: float
    p95: float = 0.0

    @classmethod
    def of(cls, durations: list[float]) -> "Stats":
        if not durations:
            raise ValueError("no samples")
        ordered = sorted(durations)
        return cls(
            len(ordered),
            ordered[0],
            statistics.median(ordered),
            percentile(ordered, 0.99),
            percentile(ordered, 0.95),
        )

    def ms(self, high: str = "p99") -> str:
        """min / median / ``high`` (p99, or p95 where there are tens of samples, not hundreds)."""
        values = (("min", self.min), ("median", self.median), (high, getattr(self, high)))
        return "  ".join(f"{name} {seconds * 1e3:8.2f} ms" for name, seconds in values)


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank value of sorted ``ordered`` at ``share`` (0–1)."""
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def sample(fn: Callable[[], object], repeat: int, warmup: int = 2) -> Stats:
    """Run ``fn`` ``warmup`` + ``repeat`` times; time each of the last ``repeat`` runs."""
    for _ in range(warmup):
        fn()
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        durations.append(time.perf_counter() - start)
    return Stats.of(durations)


@dataclass(frozen=True)
class Figure:
    """One printed line: what, its stats, and its reference measured in the same run."""

    name: str
    stats: Stats | None = None
    value: str = ""
    ratio: float | None = None
    ratio_label: str = ""
    target: str = ""
    met: bool | None = None
    high: str = "p99"
    """The high percentile printed: p99, or p95 for figures of tens of samples."""

    def line(self) -> str:
        parts = [f"{self.name:<58}"]
        if self.stats is not None:
            parts.append(self.stats.ms(self.high))
        if self.value:
            parts.append(self.value)
        if self.ratio is not None:
            digits = 2 if self.ratio < 10 else 0
            parts.append(f"{self.ratio:,.{digits}f}× {self.ratio_label}".strip())
        if self.target:
            verdict = "" if self.met is None else (" ✓" if self.met else " ✗ MISSED")
            parts.append(f"[target {self.target}{verdict}]")
        return "  ".join(parts)
