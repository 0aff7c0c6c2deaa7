import sys

from practice_action.cli import main

sys.exit(main())
