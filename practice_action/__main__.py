import gc
import sys

# Start-up imports make many objects and almost no garbage, so the cyclic collector only costs
# time there; it is switched back on once the command is known (cli.main) or, for the
# desktop, once the database has opened behind the sign-in window (ui/early_start.py).
gc.disable()

from practice_action.cli import main  # noqa: E402

sys.exit(main())
