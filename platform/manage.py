#!/usr/bin/env python
"""Django's command-line utility for Check-in."""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    # The apps live beside platform/, the project package inside it.
    sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkin.settings")
    from shared_apps.database.login_guard import command_run

    command_run(sys.argv)  # execute_from_command_line, refusing a superuser login in production (one line)
