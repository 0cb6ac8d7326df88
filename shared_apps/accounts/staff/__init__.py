"""Managing a host's staff accounts (list, invite, change role, deactivate), mounted by each host's URLconf."""
