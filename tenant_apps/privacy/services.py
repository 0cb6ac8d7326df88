"""Writes of privacy that other apps call (the kiosk, the visitor's own page): one module, so a reception app reaches
privacy only through services, selectors, models and access (pyproject.toml, import-linter).

The data-subject requests themselves are in `subjects.py` (`person_restrict`, `person_restriction_lift`,
`person_object`, `person_erase`, `persons_merge`); the renewed consent's confirmation link in `objection_confirm.py`.
"""

from tenant_apps.privacy.objection_confirm import objection_confirmation_send
from tenant_apps.privacy.person_link_request import person_link_page_url
from tenant_apps.privacy.subjects import (
    person_erase,
    person_object,
    person_restrict,
    person_restriction_lift,
    persons_merge,
)

__all__ = [
    "objection_confirmation_send",
    "person_erase",
    "person_link_page_url",
    "person_object",
    "person_restrict",
    "person_restriction_lift",
    "persons_merge",
]
