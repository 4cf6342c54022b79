"""The Python counterpart of chapter 1: the same two jobs under
threading, multiprocessing and asyncio, for `cargo run -p comparison -- --python`.

Usage: counterpart.py io TASKS DELAY_S RUNS | counterpart.py cpu JOBS N RUNS
Prints one JSON object per model: {"model", "runs_on", "wall_s": [...], "cpu_s": [...]}.
"""

import asyncio
import concurrent.futures as cf
import json
import os
import resource
import sys
import time


def download(url, delay):
    time.sleep(delay)
    return f"data from {url}"


async def download_async(url, delay):
    await asyncio.sleep(delay)
    return f"data from {url}"


def sum_of_squares(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def cpu_seconds():
    # getrusage, not os.times(): os.times() counts in clock ticks (10 ms on
    # Linux), too coarse for a job of a few milliseconds. The Rust side reads
    # the same two counters.
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def measure(runs, work):
    walls, cpus, result = [], [], None
    for _ in range(runs):
        c0, w0 = cpu_seconds(), time.perf_counter()
        result = work()
        walls.append(time.perf_counter() - w0)
        cpus.append(cpu_seconds() - c0)
    return walls, cpus, result


def io_models(tasks, delay):
    urls = [f"https://example.com/page/{i}" for i in range(tasks)]
    threads = min(32, (os.cpu_count() or 1) + 4)
    procs = os.cpu_count() or 1

    def sequential():
        return [download(u, delay) for u in urls]

    def threading_pool():
        with cf.ThreadPoolExecutor(threads) as pool:
            return list(pool.map(download, urls, [delay] * tasks))

    def multiprocessing_pool():
        with cf.ProcessPoolExecutor(procs) as pool:
            return list(pool.map(download, urls, [delay] * tasks))

    def asyncio_gather():
        async def main():
            return await asyncio.gather(*(download_async(u, delay) for u in urls))
        return asyncio.run(main())

    return [
        ("python-sequential", "1 thread", sequential),
        ("python-threading", f"{threads} threads", threading_pool),
        ("python-multiprocessing", f"{procs} processes", multiprocessing_pool),
        ("python-asyncio", f"{tasks} tasks on 1 thread", asyncio_gather),
    ]


def cpu_models(jobs, n):
    ns = [n] * jobs
    threads = min(32, (os.cpu_count() or 1) + 4)
    procs = os.cpu_count() or 1

    def sequential():
        return [sum_of_squares(k) for k in ns]

    def threading_pool():
        with cf.ThreadPoolExecutor(threads) as pool:
            return list(pool.map(sum_of_squares, ns))

    def multiprocessing_pool():
        with cf.ProcessPoolExecutor(procs) as pool:
            return list(pool.map(sum_of_squares, ns))

    def asyncio_gather():
        async def one(k):
            return sum_of_squares(k)  # blocks the loop: nothing else runs

        async def main():
            return await asyncio.gather(*(one(k) for k in ns))
        return asyncio.run(main())

    return [
        ("python-sequential", "1 thread", sequential),
        ("python-threading", f"{threads} threads", threading_pool),
        ("python-multiprocessing", f"{procs} processes", multiprocessing_pool),
        ("python-asyncio", f"{jobs} tasks on 1 thread", asyncio_gather),
    ]


def main(argv):
    if len(argv) != 5 or argv[1] not in ("io", "cpu"):
        print(__doc__, file=sys.stderr)
        return 2
    kind, count, size, runs = argv[1], int(argv[2]), argv[3], int(argv[4])
    if kind == "io":
        models = io_models(count, float(size))
    else:
        models = cpu_models(count, int(size))
    for name, runs_on, work in models:
        walls, cpus, _ = measure(runs, work)
        print(json.dumps({"model": name, "runs_on": runs_on, "wall_s": walls, "cpu_s": cpus}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
