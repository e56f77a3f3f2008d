"""The GIL, measured: the same CPU-bound work in threads and in processes.

What it shows: CPython runs Python bytecode in one thread at a time (the GIL),
so 2 threads doing pure-Python arithmetic take about as long as doing it
twice in one thread; 2 processes each have their own interpreter and GIL, so
on a machine with 2 free cores they take about half. (I/O-bound work, the
microservice case, releases the GIL while waiting: threads help there.)

Run it:   python ch01_wsgi_async/gil_threads_vs_processes.py [--work N]
Expect:   a table of wall times for: one after another, 2 threads, 2 processes,
          the speed-up of each over one after another (threads ~1x,
          processes up to ~2x on 2 idle cores), and how many cores this
          process kept busy (threads: never more than 1). About 2-4 s in total.
"""

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

JOBS = 2


def count_down(n):
    """Pure-Python CPU work: no I/O, so the thread never lets go of the GIL to wait."""
    while n > 0:
        n -= 1
    return n


def timed(run):
    """(wall seconds, CPU seconds this process used across all its threads)."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=int, default=15_000_000,
                        help="loop iterations per job (default 15,000,000)")
    args = parser.parse_args()
    work = [args.work] * JOBS

    gil = "disabled (free-threaded build)" if getattr(sys, "_is_gil_enabled", lambda: True)() \
        is False else "enabled"
    print(f"{JOBS} jobs of {args.work:,} iterations; {os.cpu_count()} CPUs; GIL {gil}\n")

    serial = timed(lambda: [count_down(n) for n in work])
    with ThreadPoolExecutor(JOBS) as threads:
        threaded = timed(lambda: list(threads.map(count_down, work)))
    with ProcessPoolExecutor(JOBS) as processes:
        processes.submit(count_down, 0).result()  # start the workers before timing
        in_processes = timed(lambda: list(processes.map(count_down, work)))

    # "cores busy" = CPU seconds / wall seconds of this process. Threads stay at
    # or below 1 however many there are: only the thread holding the GIL runs
    # Python code. The processes' work is done in the workers, not counted here.
    print(f"{'way':<22} {'wall s':>7} {'speed-up':>9} {'cores busy':>11}")
    for name, (seconds, cpu) in [("one after another", serial), (f"{JOBS} threads", threaded),
                                 (f"{JOBS} processes", in_processes)]:
        busy = f"{cpu / seconds:.2f}" if "processes" not in name else "(workers)"
        print(f"{name:<22} {seconds:>7.2f} {serial[0] / seconds:>8.2f}x {busy:>11}")


if __name__ == "__main__":
    main()
