"""Shared by the benchmarks: a workspace holding the generated network at benchmark size."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path


def bench_workspace(folder: str | None, customers: int, prefix: str):
    """The workspace in ``folder`` (a new temporary one if ``None``), generated if empty."""
    from segmentation.workspace import Workspace

    ws = Workspace(Path(folder or tempfile.mkdtemp(prefix=prefix)))
    if ws.current() is None:
        from data.generate_sample import generate

        t0 = time.perf_counter()
        tables = generate(customers, with_text=False)
        tables.pop("truth")
        ws.replace(tables, source="bench", label=f"{customers:,} customers")
        print(f"generated and loaded {len(tables['transactions']):,} transactions "
              f"in {time.perf_counter() - t0:.1f} s")
    return ws


def peak_mb() -> float:
    """This process's peak resident memory in MB.

    Read from ``VmHWM`` on Linux: unlike ``ru_maxrss`` it starts afresh at
    ``exec``, so a step run in a subprocess does not inherit the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
