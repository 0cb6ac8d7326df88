"""How the audit log names who acted, where no signed-in user did."""

import getpass


def command_actor() -> str:
    """Who ran a management command, for the audit log."""
    return f"cli:{getpass.getuser()}"
