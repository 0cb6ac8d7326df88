"""django-tenants' schema-dropping listener is connected for tenants only, so other deletions stay one DELETE."""

from django.db.models.signals import post_delete
from django_tenants.signals import tenant_delete_callback
from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import Tenant
from tenant_apps.visits.models import SuppressedEmail, Visitor


def test_deleting_rows_of_a_model_without_listeners_is_a_single_delete(acme, django_assert_num_queries):
    """With a listener for every model, Django reads each row before deleting it (two queries here)."""
    with tenant_context(acme):
        SuppressedEmail.objects.create(email_hash="a" * 64)
        with django_assert_num_queries(1):
            deleted, _ = SuppressedEmail.objects.filter(email_hash="a" * 64).delete()
        assert deleted == 1


def test_the_schema_listener_still_hears_tenant_deletions_and_nothing_else():
    assert post_delete.has_listeners(Tenant)
    assert not post_delete.has_listeners(SuppressedEmail) and not post_delete.has_listeners(Visitor)
    assert tenant_delete_callback in [ref() for _, ref, *_ in post_delete.receivers if callable(ref)]
