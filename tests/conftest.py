import os
import signal
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

# Property tests stay fast in CI; CLAUDE_MIGRATE_SOAK=1 runs the long soak.
_QUIET = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("soak", max_examples=3000, deadline=None, suppress_health_check=_QUIET)
settings.load_profile("soak" if os.environ.get("CLAUDE_MIGRATE_SOAK") else "ci")

# A suite started in the background by a script (`pytest &`, some CI runners) inherits Ctrl-C
# ignored, and so would every run it starts: the tests that interrupt a run would see nothing
# happen. Python's own handler, as in a terminal; a run it starts gets the default again.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
