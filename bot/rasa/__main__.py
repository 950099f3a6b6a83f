"""`python -m bot.rasa ARGS`: Rasa's command line with the project's adaptations; see bot.rasa."""
from __future__ import annotations

import sys

from bot.rasa.launcher import main

sys.exit(main(sys.argv[1:]))
