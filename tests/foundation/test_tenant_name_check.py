"""django-tenants' case-insensitive check of a new tenant's schema name reads an index, not every tenant."""

import pytest
from django.db import connection

from shared_apps.tenancy.models import Tenant

pytestmark = pytest.mark.django_db


def test_the_check_that_no_schema_name_differs_only_in_case_uses_an_index():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of tenants here: the plan the index allows
    plan = Tenant.objects.filter(schema_name__iexact="ACME").explain()
    assert "tenant_schema_name_upper" in plan, plan
    assert Tenant.objects.filter(schema_name__iexact="ACME").exists()
