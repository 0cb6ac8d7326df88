"""An e-mail backend whose server refuses every message, quoting the address as real servers do."""

import smtplib
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        recipients = ", ".join(address for message in email_messages for address in message.to)
        raise smtplib.SMTPDataError(451, f"temporary failure for {recipients}")
