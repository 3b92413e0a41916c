"""``python -m optjob_sdk``: the ``optjob`` command."""

import sys

from optjob_sdk.cli._main import main

sys.exit(main())
