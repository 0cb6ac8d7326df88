"""Accounts reads a company's two-factor requirement through the reader the visits app registers."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from shared_apps.accounts import two_factor_policy
from tenant_apps.visits.selectors import company_requires_two_factor


def test_the_visits_app_registers_the_company_settings_reader():
    assert two_factor_policy._registered["reader"] is company_requires_two_factor


def test_a_policy_nobody_registered_is_an_error_never_a_silent_no(monkeypatch):
    monkeypatch.setattr(two_factor_policy, "_registered", {})
    with pytest.raises(ImproperlyConfigured):
        two_factor_policy.company_requires_two_factor()
