"""CPython's locks asked again by their holder, for
`cargo run -p debugging -- relock --python`.

Usage: relock.py TIMEOUT_SECONDS
Prints one JSON object: the interpreter's version; whether a
threading.Lock asked again by the thread that holds it got it, and how long
it waited; how deep one thread held an RLock, and whether another thread
got the RLock meanwhile.
"""

import json
import platform
import sys
import threading
import time


# ANCHOR: relock
def lock_again(timeout):
    """The holder of a Lock asks for it again: it waits for itself."""
    lock = threading.Lock()
    with lock:
        start = time.perf_counter()
        got_it = lock.acquire(timeout=timeout)
        waited = time.perf_counter() - start
        if got_it:
            lock.release()
    return got_it, waited


def rlock_again():
    """The holder of an RLock gets in again; another thread does not."""
    rlock = threading.RLock()
    other = []
    with rlock:
        with rlock:
            thread = threading.Thread(
                target=lambda: other.append(rlock.acquire(blocking=False)))
            thread.start()
            thread.join()
    return 2, other[0]
# ANCHOR_END: relock


def main():
    got_it, waited = lock_again(float(sys.argv[1]))
    depth, other_got_it = rlock_again()
    print(json.dumps({
        "version": platform.python_version(),
        "lock_got_it": got_it,
        "lock_waited_s": waited,
        "rlock_depth": depth,
        "rlock_other_got_it": other_got_it,
    }))


main()
