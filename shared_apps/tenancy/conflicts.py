"""Refusals because of what is already stored, not because of the input's form."""

from django.core.exceptions import ValidationError


class Conflict(ValidationError):
    """A slug or domain already taken, a building that still holds companies: the request was well formed and
    may succeed later or elsewhere. Pages show it like any form error; the APIs answer 409 (checkin.api_errors)."""
