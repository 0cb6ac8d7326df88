"""Quantiles as the bench scripts print them (nearest rank), shared by tests/bench/load.py and its parts."""

import math


def quantile_ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] * 1000


def percentiles(values: list[float]) -> str:
    if not values:
        return "no sample"
    p50, p95, p99 = (quantile_ms(values, q) for q in (0.50, 0.95, 0.99))
    return f"p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms  (n={len(values)})"
