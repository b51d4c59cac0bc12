"""How the generator writes values: dates and epoch milliseconds, ISO timestamps, ids, money (vectorised)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd

DAY_MS = 86_400_000
EPOCH = date(1970, 1, 1)


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, 1) if d.day == 1 else _clamp_day(d.year + y, m + 1, d.day)


def _clamp_day(y: int, m: int, d: int) -> date:
    while True:
        try:
            return date(y, m, d)
        except ValueError:
            d -= 1


def day_ms(d: date) -> int:
    return (d - EPOCH).days * DAY_MS


def fmt_ts(ms: np.ndarray) -> np.ndarray:
    """Epoch milliseconds -> ISO 8601 UTC strings with milliseconds and Z (vectorised)."""
    s = np.datetime_as_string(np.asarray(ms, dtype=np.int64).astype("datetime64[ms]"), unit="ms")
    return np.char.add(s, "Z").astype(object)


def ts1(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def ts_ms(ms: int) -> str:
    return str(fmt_ts(np.array([ms]))[0])


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def hex_ids(x: np.ndarray, width: int = 16) -> np.ndarray:
    """uint64 -> fixed-width lowercase hex strings, vectorised."""
    x = np.asarray(x, dtype=np.uint64)
    shifts = np.arange(width - 1, -1, -1, dtype=np.uint64) * np.uint64(4)
    nib = ((x[:, None] >> shifts) & np.uint64(15)).astype(np.intp)
    chars = np.ascontiguousarray(_HEX[nib])
    return chars.view(f"S{width}").ravel().astype(str).astype(object)


def mix64(x: np.ndarray, salt: int) -> np.ndarray:
    """A cheap deterministic hash of integers (splitmix64 finaliser)."""
    with np.errstate(over="ignore"):
        z = np.asarray(x, dtype=np.uint64) + np.uint64(salt) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def seq_ids(prefix: str, n: int, start: int = 0) -> np.ndarray:
    return np.char.add(prefix, np.arange(start + 1, start + n + 1).astype(str)).astype(object)


def money(values: np.ndarray, decimals: int = 2) -> np.ndarray:
    """Floats -> decimal strings with fixed decimals (no float ever reaches the JSON)."""
    scaled = np.round(np.asarray(values, dtype=float) * 10**decimals).astype(np.int64)
    neg = scaled < 0
    a = np.abs(scaled)
    ip = (a // 10**decimals).astype(str)
    fp = np.char.zfill((a % 10**decimals).astype(str), decimals)
    out = np.char.add(np.char.add(ip, "."), fp)
    return np.where(neg, np.char.add("-", out), out).astype(object)


def dec(x: float, decimals: int = 4) -> str:
    return f"{x:.{decimals}f}"


def nullable_int(values: np.ndarray, mask: np.ndarray) -> pd.arrays.IntegerArray:
    """Ints where mask is True, null elsewhere."""
    mask = np.asarray(mask, dtype=bool)
    return pd.arrays.IntegerArray(np.where(mask, values, 0).astype(np.int64), ~mask)


def nullable_obj(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    out = np.asarray(values, dtype=object).copy()
    out[~mask] = None
    return out


def within_group_positions(lengths: np.ndarray) -> np.ndarray:
    """For groups of given lengths laid out consecutively: 0..len-1 inside each group."""
    total = int(lengths.sum())
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.arange(total) - starts


def within_group_cumsum(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    cs = np.cumsum(values)
    ends = np.cumsum(lengths)
    base = np.repeat(np.concatenate([[0], cs[ends[:-1] - 1]]) if len(lengths) else [], lengths)
    return cs - base
