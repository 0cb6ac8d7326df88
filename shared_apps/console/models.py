"""What the IT console keeps in the public schema: support grants (IT tokens: shared_apps/api_tokens)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared_apps.tenancy.models import Tenant


class SupportGrant(models.Model):
    """IT may read one company's visits, for a stated reason, until `expires_at`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"support {self.company_id} until {self.expires_at:%H:%M}"

    def is_active(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.ended_at is None and self.expires_at > now
