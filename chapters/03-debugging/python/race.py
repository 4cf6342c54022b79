"""CPython's shared counter, for `cargo run -p debugging -- race-condition --python`.

Usage: race.py THREADS INCREMENTS RUNS SWITCH_INTERVAL
Prints one JSON object: the interpreter's version, the switch interval, and
for each way of adding one, the final count of every run.

Two ways, the same read-modify-write:
- "inline": `box.value += 1` in the loop. CPython 3.10 and later hand the
  GIL over only where the eval loop checks for it (a function's entry, a
  loop's jump back), never between this line's load and its store.
- "through a call": the same load and store with a function call between
  them, so the GIL can change hands after the load: the other threads'
  increments made meanwhile are overwritten by the stale store.
"""

import json
import sys
import threading


class Box:
    value = 0


# ANCHOR: ways
def same(x):
    return x


def inline(box, each):
    for _ in range(each):
        box.value += 1


def through_a_call(box, each):
    for _ in range(each):
        box.value = same(box.value) + 1
# ANCHOR_END: ways


def count(add, threads, each):
    box = Box()
    start = threading.Barrier(threads)

    def work():
        start.wait()
        add(box, each)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return box.value


def main(argv):
    threads, each, runs = (int(a) for a in argv[1:4])
    sys.setswitchinterval(float(argv[4]))
    ways = [("inline", inline), ("through a call", through_a_call)]
    print(json.dumps({
        "version": sys.version.split()[0],
        "switch_interval_s": sys.getswitchinterval(),
        "threads": threads,
        "increments": each,
        "ways": [{"way": name, "counted": [count(add, threads, each) for _ in range(runs)]}
                 for name, add in ways],
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
