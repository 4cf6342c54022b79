"""Chapter 6's Python side: the same JSON endpoint, HTTP clients and
database calls as the Rust side, so that `versus-python` can measure both
on one machine in one run. Run by the chapter, not by hand:

  ecosystem.py check PART                 the modules PART needs that are
                                          missing, as a JSON list
  ecosystem.py serve fastapi|aiohttp      GET /items/{id} on a free
                                          loopback port; prints the port;
                                          ends when stdin closes
  ecosystem.py client httpx|aiohttp URL CONCURRENCY REQUESTS SECONDS
  ecosystem.py postgres URL TABLE CONNECTIONS QUERIES SECONDS
  ecosystem.py redis URL KEY CONNECTIONS COMMANDS SECONDS
  ecosystem.py two-queries URL            two queries at once on one asyncpg
                                          connection: prints what it raised
  ecosystem.py versions                   the interpreter and the installed
                                          version of each package, as JSON

A load prints one JSON line: every call's latency in seconds, the wall
time, and how many answers were wrong. Each worker makes its calls one
after another on a connection of its own, until REQUESTS calls are done
in all or SECONDS have passed. The Rust side (src/versus/load.rs) works
the same way, so the two are comparable.
"""

import asyncio
import importlib.metadata
import importlib.util
import json
import os
import platform
import socket
import sys
import threading
import time

NEEDS = {
    "fastapi": ["fastapi", "uvicorn"],
    "aiohttp": ["aiohttp"],
    "httpx": ["httpx"],
    "postgres": ["asyncpg"],
    "redis": ["redis"],
}

# Requests name ids 1..=IDS over and over, as the Rust side does.
IDS = 1000


# The distributions the parts import, in requirements.txt's order: the
# versions a run was measured with.
DISTRIBUTIONS = ["fastapi", "uvicorn", "aiohttp", "httpx", "asyncpg", "redis"]


def versions():
    installed = []
    for name in DISTRIBUTIONS:
        try:
            installed.append([name, importlib.metadata.version(name)])
        except importlib.metadata.PackageNotFoundError:
            installed.append([name, None])
    python = f"{platform.python_implementation()} {platform.python_version()}"
    print(json.dumps({"python": python, "packages": installed}))


def item(item_id):
    """The endpoint's answer; the Rust side serves the same."""
    return {"id": item_id, "name": f"item {item_id}", "quantity": item_id % 100}


def item_id(index):
    return index % IDS + 1


def check(part):
    missing = [m for m in NEEDS[part] if importlib.util.find_spec(m) is None]
    print(json.dumps(missing))


def die_with_parent():
    """The chapter holds our stdin: when it closes (the chapter stopped us
    or died), end at once, so that no server outlives its run."""

    def watch():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def loopback_socket():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it. uvicorn sets it itself only on the
    # sockets it binds; without it, a response written in two parts waits
    # for the client's delayed ACK, 40 ms a request.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    print(json.dumps({"port": sock.getsockname()[1]}), flush=True)
    return sock


def serve_fastapi(sock):
    import uvicorn
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/items/{item_id}")
    async def get_item(item_id: int):
        return item(item_id)

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    asyncio.run(uvicorn.Server(config).serve(sockets=[sock]))


def serve_aiohttp(sock):
    from aiohttp import web

    async def get_item(request):
        return web.json_response(item(int(request.match_info["item_id"])))

    app = web.Application()
    app.router.add_get("/items/{item_id}", get_item)
    web.run_app(app, sock=sock, print=None, access_log=None)


async def drive(open_worker, concurrency, calls, seconds):
    """Runs `concurrency` workers; `open_worker()` returns a worker's
    `call(index) -> bool` (whether the answer was right) and its `close()`."""
    latencies, wrong, next_index = [], 0, 0
    deadline = time.perf_counter() + seconds

    async def worker():
        nonlocal wrong, next_index
        call, close = await open_worker()
        try:
            while next_index < calls and time.perf_counter() < deadline:
                index, next_index = next_index, next_index + 1
                start = time.perf_counter()
                right = await call(index)
                latencies.append(time.perf_counter() - start)
                wrong += not right
        finally:
            await close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - start
    print(json.dumps({"latencies": latencies, "wall": wall, "wrong": wrong}))


async def client_httpx(url, concurrency, calls, seconds):
    import httpx

    async def open_worker():
        client = httpx.AsyncClient(timeout=10)

        async def call(index):
            wanted = item_id(index)
            response = await client.get(f"{url}/items/{wanted}")
            return response.status_code == 200 and response.json()["id"] == wanted

        return call, client.aclose

    await drive(open_worker, concurrency, calls, seconds)


async def client_aiohttp(url, concurrency, calls, seconds):
    import aiohttp

    async def open_worker():
        session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))

        async def call(index):
            wanted = item_id(index)
            async with session.get(f"{url}/items/{wanted}") as response:
                body = await response.json()
                return response.status == 200 and body["id"] == wanted

        return call, session.close

    await drive(open_worker, concurrency, calls, seconds)


async def postgres(url, table, concurrency, calls, seconds):
    import asyncpg

    query = f"SELECT quantity FROM {table} WHERE id = $1"

    async def open_worker():
        connection = await asyncpg.connect(url, timeout=10)

        async def call(index):
            wanted = item_id(index)
            return await connection.fetchval(query, wanted) == wanted % 100

        return call, connection.close

    await drive(open_worker, concurrency, calls, seconds)


async def redis_incr(url, key, concurrency, calls, seconds):
    import redis.asyncio

    async def open_worker():
        client = redis.asyncio.Redis.from_url(url, single_connection_client=True)

        async def call(_index):
            return await client.incr(key) >= 1

        return call, client.aclose

    await drive(open_worker, concurrency, calls, seconds)


async def two_queries(url):
    """What the `pool` section's page says of asyncpg: one connection runs
    one query at a time, and a second started meanwhile is refused."""
    import asyncpg

    connection = await asyncpg.connect(url, timeout=10)
    try:
        await asyncio.gather(
            connection.fetchval("SELECT pg_sleep(0.2)"), connection.fetchval("SELECT 1")
        )
        print(json.dumps({"raised": None}))
    except asyncpg.InterfaceError as error:
        print(json.dumps({"raised": type(error).__name__, "message": str(error)}))
    finally:
        connection.terminate()


def main(argv):
    command, args = argv[0], argv[1:]
    if command == "check":
        check(args[0])
    elif command == "serve":
        die_with_parent()
        sock = loopback_socket()
        {"fastapi": serve_fastapi, "aiohttp": serve_aiohttp}[args[0]](sock)
    elif command == "client":
        run = {"httpx": client_httpx, "aiohttp": client_aiohttp}[args[0]]
        asyncio.run(run(args[1], int(args[2]), int(args[3]), float(args[4])))
    elif command == "postgres":
        asyncio.run(postgres(args[0], args[1], int(args[2]), int(args[3]), float(args[4])))
    elif command == "redis":
        asyncio.run(redis_incr(args[0], args[1], int(args[2]), int(args[3]), float(args[4])))
    elif command == "two-queries":
        asyncio.run(two_queries(args[0]))
    elif command == "versions":
        versions()
    else:
        sys.exit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
