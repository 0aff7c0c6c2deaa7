"""A desk in a process of its own, for the tests that move a computer's clock (faketime).

    python tests/clock_desk.py DATA_DIR URL CLINICIAN_ID ATTEMPTS

Records up to ATTEMPTS contacts for the clinician, then prints ``recorded N refused M``.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(data_dir: str, url: str, clinician_id: int, attempts: int) -> None:
    from practice_action import paths
    from practice_action.domain.enums import StaffRole
    from practice_action.services import counter
    from practice_action.services.context import Actor
    from practice_action.services.health import open_context

    ctx = open_context(paths.resolve(Path(data_dir), url), migrate_now=False)
    desk = Actor("Desk with its own clock", StaffRole.RECEPTIONIST)
    recorded = refused = 0
    try:
        for _ in range(attempts):
            try:
                counter.record_contact(ctx, desk, clinician_id)
                recorded += 1
            except counter.AtCap:
                refused += 1
    finally:
        ctx.store.dispose()
    print(f"recorded {recorded} refused {refused}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
