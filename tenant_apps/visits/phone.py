"""Phone numbers are stored in E.164 (+32470123456), whatever way they were typed."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_REGION = "BE"  # a number typed without +country code is read as Belgian, the buildings' country


def phone_to_e164(raw: str) -> str:
    """The number in E.164, or a translated ValidationError when it is not a valid phone number."""
    raw = raw.strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid phone number, in international format such as +32 470 12 34 56."), code="phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
