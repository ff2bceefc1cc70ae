"""What the benchmark scripts share: the median time of a function, milliseconds to print, a scratch register.

A script runs with this folder first on ``sys.path`` (``python benchmarks/bench_x.py``, or through run.py), so it
imports this module as ``common``; hartdesk itself is imported inside the functions, once the script has put the
repository on ``sys.path``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROUNDS = 5
PASSWORD = "Bench-Password-Quiet-71"


def median(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    """The median of ``rounds`` timings of ``fn()``, in seconds."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def new_register(folder: Path) -> Any:
    """A new register in ``folder`` (admin "admin", :data:`PASSWORD`) with the demo agency's settings; cheap key
    derivation, which is not what is measured."""
    from hartdesk import settings as settings_mod
    from hartdesk.demo import DEMO_SETTINGS
    from hartdesk.security import kdf
    from hartdesk.storage import register as register_mod

    kdf.use_insecure_test_parameters(True)
    _, reg = register_mod.create(folder, "admin", "Admin", PASSWORD)
    with reg.session() as s:
        settings_mod.save(s, DEMO_SETTINGS)
    return reg
