"""Browser tests drive Debian's Chromium (never a browser Playwright downloads)."""

import os

import pytest

# The live server runs in a thread beside Playwright's event loop; Django's async-safety
# check would refuse the ORM calls the tests make while a page is open.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        # Without the networking flags Chromium keeps trying to reach the internet.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
