"""The benchmark's own measuring parts: host CPU steal and the workers' reports."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from bot.bench import host_cpu_times, steal_share
from bot.bench_workers import _Reports

#          user nice system idle iowait irq softirq steal guest guest_nice
BEFORE = [1000, 0, 200, 5000, 10, 0, 5, 100, 0, 0]


def after(**delta: int) -> list[int]:
    names = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest"]
    values = list(BEFORE)
    for name, value in delta.items():
        values[names.index(name)] += value
    return values


def test_steal_is_its_share_of_all_cpu_time_that_passed() -> None:
    share = steal_share(BEFORE, after(user=120, system=20, idle=40, steal=20))
    assert share == pytest.approx(20 / 200)


def test_guest_time_is_not_counted_twice() -> None:
    # The kernel counts guest time inside user time already.
    share = steal_share(BEFORE, after(user=150, steal=50, guest=150))
    assert share == pytest.approx(50 / 200)


def test_no_steal_figure_or_no_time_gives_none() -> None:
    assert steal_share(None, BEFORE) is None
    assert steal_share(BEFORE, None) is None
    assert steal_share(BEFORE[:4], after(user=10)[:4]) is None  # kernels without steal
    assert steal_share(BEFORE, list(BEFORE)) is None


def test_host_cpu_times_reads_this_machine() -> None:
    if not Path("/proc/stat").exists():
        pytest.skip("no /proc/stat on this system: host_cpu_times returns None there")
    first = host_cpu_times()
    assert first is not None
    assert len(first) >= 8
    sum(i * i for i in range(200_000))  # some CPU time passes
    second = host_cpu_times()
    assert second is not None
    assert all(b >= a for a, b in zip(first, second, strict=False))
    share = steal_share(first, second)
    assert share is None or 0.0 <= share <= 1.0


async def _reports_through_a_pipe(
    turns: list[list[dict[str, int]]],
) -> list[tuple[int, list[object]]]:
    """Emit each turn's events in one loop turn; per turn, the pipe writes and the events read."""
    read_fd, write_fd = os.pipe()
    reports = _Reports()
    seen: list[tuple[int, list[object]]] = []
    with os.fdopen(write_fd, "wb", buffering=0) as pipe:
        await reports.open(pipe)
        writer = reports._writer
        assert writer is not None
        writes = 0
        write = writer.write

        def counting_write(data: bytes | bytearray | memoryview) -> None:
            nonlocal writes
            writes += 1
            write(data)

        writer.write = counting_write  # type: ignore[method-assign]
        for events in turns:
            writes = 0
            for event in events:
                reports.emit(event)
            assert writes == 0  # nothing is written before the loop turns
            await asyncio.sleep(0.01)
            lines = os.read(read_fd, 65536).splitlines()
            seen.append((writes, [json.loads(line)["e"] for line in lines]))
        await reports.close()
    os.close(read_fd)
    return seen


async def test_reports_of_one_loop_turn_go_out_in_one_write_in_order() -> None:
    seen = await _reports_through_a_pipe([[{"e": 1}], [{"e": 2}, {"e": 3}, {"e": 4}], [{"e": 5}]])
    assert seen == [(1, [1]), (1, [2, 3, 4]), (1, [5])]
