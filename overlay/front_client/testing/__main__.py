"""``python -m front_client.testing``: the emulator as a server of its own (:mod:`.standalone`)."""

import sys

from front_client.testing.standalone import main

sys.exit(main())
