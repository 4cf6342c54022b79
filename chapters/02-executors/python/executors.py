"""CPython's executors on tiny tasks, for `cargo run -p executors -- throughput --python`.

Usage: executors.py THREAD_TASKS PROCESS_TASKS_CHUNK_1 PROCESS_TASKS_CHUNKED
Prints one JSON object per measurement: {"what", "tasks", "per_second"}.
"""

import concurrent.futures as cf
import json
import os
import sys
import time


def echo(x):
    return x


def rate(what, tasks, work):
    start = time.perf_counter()
    work()
    per_second = tasks / (time.perf_counter() - start)
    print(json.dumps({"what": what, "tasks": tasks, "per_second": per_second}))


def main(argv):
    threads, chunk_1, chunked = (int(a) for a in argv[1:4])
    cores = os.cpu_count() or 1
    with cf.ThreadPoolExecutor(cores) as pool:
        rate("CPython thread pool: submit + result, trivial", threads,
             lambda: [f.result() for f in [pool.submit(echo, i) for i in range(threads)]])
    with cf.ProcessPoolExecutor(cores) as pool:
        pool.submit(echo, 0).result()  # start the workers first
        rate("CPython process pool: map, trivial, chunksize 1", chunk_1,
             lambda: list(pool.map(echo, range(chunk_1), chunksize=1)))
        rate("CPython process pool: map, trivial, chunksize 1000", chunked,
             lambda: list(pool.map(echo, range(chunked), chunksize=1000)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
