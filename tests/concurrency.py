"""Run code in real concurrent transactions on PostgreSQL.

Each thread has its own database connection (Django gives every thread one), opens it
before the barrier so that connecting does not serialize the threads, and closes it at
the end. Use from tests marked `django_db(transaction=True)`: the threads must see the
rows the test committed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def run_concurrently(count: int, work: Callable[[int], object], *, timeout: float = 120) -> list:
    """Run `work(i)` in `count` threads released together; the results in order, an
    exception raised in a thread taking the place of its result."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout=timeout)
            results[index] = work(index)
        except BaseException as error:  # reported to the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    return results
