"""``python -m optjob_sdk.cli``: the ``optjob`` command."""

import sys

from optjob_sdk.cli._main import main

sys.exit(main())
