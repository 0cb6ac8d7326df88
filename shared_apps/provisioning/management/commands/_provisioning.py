"""What the provisioning commands share: turning a refused request into one line and exit status 2."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


def run_or_explain(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except ValidationError as error:
        messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        text = "; ".join(message for field_messages in messages.values() for message in field_messages)
        raise CommandError(text, returncode=2) from None
