"""Running a coroutine from a test."""

import asyncio
import threading


def run_in_own_loop(coroutine):
    """asyncio.run in a thread of its own: Playwright's tests may have left a loop running in this one."""
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", asyncio.run(coroutine)))
    thread.start()
    thread.join(30)
    return result.get("value")
