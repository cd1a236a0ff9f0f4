"""Seeded randomness built only on `random.Random.random()`.

Python guarantees that `random()` of a `Random` seeded with the same integer yields the same sequence on every
version; the other helpers of the `random` module may change between versions. Every draw here is therefore a
transform of `random()`, so a world is byte-identical wherever the same seed and knobs are used.
"""
import math
import random
from bisect import bisect_right
from itertools import accumulate

TWO_PI = 2.0 * math.pi


def stream_seed(seed, *parts):
    """A deterministic integer seed for a sub-stream (e.g. one lead) of a world seed."""
    seed = int(seed)
    s = ((seed & 0xFFFFFFFF) * 0x9E3779B1 + (seed >> 32) * 0xC2B2AE3D27D4EB4F) & 0xFFFFFFFFFFFFFFFF
    for p in parts:
        s = (s * 1_000_003 + (int(p) & 0xFFFFFFFFFF) + 7919) & 0xFFFFFFFFFFFFFFFF
    return s


class Weighted:
    """A fixed categorical distribution: draw with `R.pick(w)`."""
    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs):
        pairs = [(k, float(v)) for k, v in (pairs.items() if isinstance(pairs, dict) else pairs) if v > 0]
        self.items = [k for k, _ in pairs]
        self.cum = list(accumulate(v for _, v in pairs))
        self.total = self.cum[-1]


class R:
    """A random stream with the distributions the simulator needs."""
    __slots__ = ("_r", "u")

    def __init__(self, seed):
        self._r = random.Random(seed)
        self.u = self._r.random          # uniform [0, 1)

    def chance(self, p):
        return self.u() < p

    def randint(self, lo, hi):
        """Integer in [lo, hi] inclusive."""
        return lo + int(self.u() * (hi - lo + 1))

    def uniform(self, lo, hi):
        return lo + (hi - lo) * self.u()

    def choice(self, seq):
        return seq[int(self.u() * len(seq))]

    def pick(self, w):
        """A draw from a `Weighted`."""
        return w.items[bisect_right(w.cum, self.u() * w.total)]

    def pick_pairs(self, pairs):
        """A draw from [(item, weight), ...] built on the fly (for context-dependent weights)."""
        total = 0.0
        for _, v in pairs:
            total += v
        x = self.u() * total
        for k, v in pairs:
            x -= v
            if x < 0:
                return k
        return pairs[-1][0]

    def normal(self, mu=0.0, sd=1.0):
        u1 = self.u()
        u2 = self.u()
        return mu + sd * math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(TWO_PI * u2)

    def lognormal(self, median, sigma):
        return median * math.exp(sigma * self.normal())

    def expo(self, mean):
        return -mean * math.log(1.0 - self.u())

    def poisson(self, lam):
        if lam <= 0:
            return 0
        if lam > 30:
            return max(0, int(round(self.normal(lam, math.sqrt(lam)))))
        limit = math.exp(-lam)
        k = 0
        p = self.u()
        while p > limit:
            k += 1
            p *= self.u()
        return k

    def negbin(self, mean, dispersion):
        """Gamma-Poisson with the given mean; dispersion k (smaller = heavier tail)."""
        if mean <= 0:
            return 0
        return self.poisson(self.gamma(dispersion, mean / dispersion))

    def gamma(self, shape, scale):
        # Marsaglia-Tsang; shape < 1 via the boost u^(1/shape)
        if shape < 1.0:
            return self.gamma(shape + 1.0, scale) * (self.u() ** (1.0 / shape))
        d = shape - 1.0 / 3.0
        c = 1.0 / math.sqrt(9.0 * d)
        while True:
            x = self.normal()
            v = 1.0 + c * x
            if v <= 0:
                continue
            v = v * v * v
            u = self.u()
            if u < 1.0 - 0.0331 * x ** 4 or math.log(max(u, 1e-300)) < 0.5 * x * x + d * (1.0 - v + math.log(v)):
                return d * v * scale

    def beta_max(self, k):
        """Max of k uniforms: Beta(k, 1), density rising towards 1."""
        return self.u() ** (1.0 / k)

    def sample(self, seq, k):
        """k distinct elements, in a random order (partial Fisher-Yates on a copy)."""
        a = list(seq)
        n = len(a)
        k = min(k, n)
        for i in range(k):
            j = i + int(self.u() * (n - i))
            a[i], a[j] = a[j], a[i]
        return a[:k]

    def shuffle(self, a):
        for i in range(len(a) - 1, 0, -1):
            j = int(self.u() * (i + 1))
            a[i], a[j] = a[j], a[i]


def sigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def pick_index(cum, x):
    return bisect_right(cum, x)
