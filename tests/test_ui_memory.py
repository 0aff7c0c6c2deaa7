"""A desk that locks and unlocks all day must not keep each PIN check's working memory."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from practice_action.ui.memory import is_glibc

_PROBE = """
import json, sys
from argon2 import PasswordHasher

def resident_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20

if sys.argv[1] == "tuned":
    from practice_action.ui.memory import return_large_blocks
    assert return_large_blocks()
hasher = PasswordHasher(time_cost=1, memory_cost=19 * 1024, parallelism=1)
stored = hasher.hash("640375")
before = resident_mb()
for _ in range(4):  # four unlocks
    hasher.verify(stored, "640375")
print(json.dumps(resident_mb() - before))
"""


def _kept_after_unlocks(mode: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return float(json.loads(done.stdout))


@pytest.mark.skipif(not is_glibc(), reason="glibc's allocator only")
def test_pin_checks_give_their_working_memory_back() -> None:
    assert _kept_after_unlocks("tuned") < 4  # MB: none of the four 19 MB blocks is kept


@pytest.mark.skipif(not is_glibc(), reason="glibc's allocator only")
def test_without_the_setting_the_blocks_are_kept() -> None:
    """What the setting is for: left alone, glibc keeps a 19 MB block after the first."""
    assert _kept_after_unlocks("plain") > 15
