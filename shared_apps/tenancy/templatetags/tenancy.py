from django import template

from shared_apps.tenancy import links
from shared_apps.tenancy.models import Building, Tenant

register = template.Library()


@register.filter
def tenant_url(tenant: Tenant) -> str:
    return links.tenant_url(tenant)


@register.filter
def building_url(building: Building) -> str:
    reception = building.tenants.filter(type=Tenant.Type.RECEPTION).first()
    return links.tenant_url(reception) if reception else ""
