"""The WSGI entry point gunicorn loads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_importing_the_entry_point_freezes_what_building_the_app_made(tmp_path):
    # In a process of its own: freezing is for the whole life of a worker.
    script = (
        "import gc; before = gc.get_freeze_count(); import wsgi; "
        "print(before, gc.get_freeze_count(), type(wsgi.app).__name__)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CMS_")}
    env["CMS_INSTANCE_DIR"] = str(tmp_path)
    result = subprocess.run(  # noqa: S603 (our own interpreter, a fixed script)
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    before, after, kind = result.stdout.split()
    assert int(before) == 0
    assert int(after) > 10_000  # modules, mappers, the URL map...
    assert kind.endswith("Flask")
