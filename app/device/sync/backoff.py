"""Retry delays for the background sync: exponential, capped, with jitter.

Jitter spreads the retries of many phones that lost the network together (a dead zone, a
server restart), so they do not all come back in the same second.
"""

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """``next_delay`` grows ``base · factor^n`` up to ``cap``; each delay is drawn from the
    upper half of that ceiling ("equal jitter"), so a retry never comes at once."""

    base: float = 2.0
    factor: float = 2.0
    cap: float = 300.0
    rng: random.Random = field(default_factory=random.Random)
    failures: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.base <= self.cap or self.factor < 1:
            raise ValueError("backoff needs 0 < base <= cap and factor >= 1")

    def ceiling(self) -> float:
        return min(self.cap, self.base * self.factor ** min(self.failures, 64))

    def next_delay(self) -> float:
        """The pause before the next attempt, counting one more failure."""
        ceiling = self.ceiling()
        self.failures += 1
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def reset(self) -> None:
        self.failures = 0
