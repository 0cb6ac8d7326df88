"""Hosts (add, edit, link to a staff account, deactivate) and the company settings, for admins."""

from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from tenant_apps.visits.models import Host
from tenant_apps.visits.selectors import company_settings


def test_an_admin_adds_a_host_with_a_normalised_phone(acme, world, acme_admin):
    response = acme_admin.post("/hosts/new/", {"name": "Hanna Host", "email": "Hanna@Acme.example",
                                               "phone": "02 555 12 12", "notify_by": "email"})  # fmt: skip
    assert response.status_code == 302
    with tenant_context(acme):
        host = Host.objects.get(name="Hanna Host")
        assert (host.email, host.phone, host.is_active) == ("hanna@acme.example", "+3225551212", True)
    assert AuditEntry.objects.filter(action="host.created", object_ids__host=[host.pk]).exists()
    assert "Hanna Host" in acme_admin.get("/hosts/").content.decode()


def test_bad_host_input_is_refused(world, acme_admin):
    page = acme_admin.post("/hosts/new/", {"name": "", "phone": "abc", "notify_by": "pigeon"}).content.decode()
    assert "This field is required." in page
    assert "Enter a valid phone number" in page
    assert "Select a valid choice" in page


def test_a_host_is_linked_to_one_staff_account_at_most(acme, world, acme_admin):
    form = acme_admin.get(f"/hosts/{world.other_host.pk}/edit/").context["form"]
    offered = list(form.fields["user"].queryset)
    assert world.member not in offered  # already linked to member_host
    assert world.colleague in offered
    acme_admin.post(f"/hosts/{world.other_host.pk}/edit/", {"name": "Otto Other", "notify_by": "webhook",
                                                             "user": world.colleague.pk})  # fmt: skip
    with tenant_context(acme):
        host = Host.objects.get(pk=world.other_host.pk)
        assert (host.user, host.notify_by) == (world.colleague, "webhook")


def test_a_deactivated_host_is_kept_but_not_offered(acme, world, acme_admin):
    acme_admin.post(f"/hosts/{world.other_host.pk}/active/", {"active": "0"})
    with tenant_context(acme):
        assert not Host.objects.get(pk=world.other_host.pk).is_active
    offered = list(acme_admin.get("/visits/new/").context["form"].fields["host"].queryset)
    assert world.other_host not in offered
    assert world.other_host in list(acme_admin.get(f"/visits/{world.other_past.pk}/edit/").context["form"]
                                    .fields["host"].queryset)  # fmt: skip
    acme_admin.post(f"/hosts/{world.other_host.pk}/active/", {"active": "1"})
    with tenant_context(acme):
        assert Host.objects.get(pk=world.other_host.pk).is_active


def test_an_admin_changes_the_kiosk_setting(acme, world, acme_admin):
    with tenant_context(acme):
        assert company_settings().show_hosts_on_kiosk is False
    assert acme_admin.post("/settings/", {"show_hosts_on_kiosk": "on"}).status_code == 302
    with tenant_context(acme):
        assert company_settings().show_hosts_on_kiosk is True
    assert AuditEntry.objects.filter(action="settings.updated", details__show_hosts_on_kiosk=True).exists()
    page = acme_admin.get("/settings/").content.decode()
    assert 'name="show_hosts_on_kiosk"' in page and "checked" in page
