"""Set-up of test_upgrade_while_serving, in a process of its own on the test's copy of the database.

Provisions LOBBY companies in the benchmark's building through its provisioning
(tests/bench/load.py: a desk account with its second factor, two paired kiosks,
INVITATIONS invitations for today spread over them), then OTHERS more companies in
buildings of ten (as a platform spreads them). Prints, as JSON, the kiosks' device tokens and
the invitation codes.

    python -m tests.reliability.upgrade_fleet LOBBY OTHERS INVITATIONS
"""

import json
import sys

import django

django.setup()

from shared_apps.provisioning.buildings import building_create  # noqa: E402
from shared_apps.provisioning.companies import company_create  # noqa: E402
from tests.bench.load import provision  # noqa: E402

PER_BUILDING = 10


def main(lobby: int, others: int, invitations: int) -> None:
    fixture = provision(companies=lobby, kiosks=2, invitations=invitations, desks=1)
    for number in range(others):
        if number % PER_BUILDING == 0:
            building = building_create(slug=f"upgrade-{number // PER_BUILDING}", name=f"Upgrade {number}")
        company_create(building=building, slug=f"upgrade-co-{number}", name=f"Upgrade company {number}")
    json.dump({"tokens": fixture.tokens, "codes": fixture.codes}, sys.stdout)


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:4]))
