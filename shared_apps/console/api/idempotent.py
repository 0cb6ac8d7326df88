"""Idempotent create by slug: the same request again returns what exists; a different one is a conflict."""

from typing import Any

from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.tenancy.conflicts import Conflict
from shared_apps.tenancy.models import Building, Tenant
from shared_apps.tenancy.slugs import schema_name_for


def _differences(current: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    return sorted(field for field, value in wanted.items() if current.get(field) != value)


def existing_building(data: dict[str, Any]) -> Building | None:
    """The building this create request already made, or None if the slug is free; a conflict otherwise."""
    building = Building.objects.filter(slug=data["slug"]).first()
    if building is None:
        if Tenant.objects.filter(slug=data["slug"]).exists():
            raise Conflict({"slug": [f"'{data['slug']}' is already taken by a company."]})
        return None
    if building.archived_at is not None:  # archived is gone for the API: not returned as if it were made again
        raise Conflict({"slug": [f"'{building.slug}' is taken by an archived building and cannot be reused."]})
    current = {"slug": building.slug, "name": building.name, "address": building.address,
               "timezone": building.timezone}  # fmt: skip
    differing = _differences(current, {**data, "name": data["name"].strip(), "address": data["address"].strip()})
    if differing:
        raise Conflict(
            {"slug": [f"Building '{building.slug}' already exists with a different {', '.join(differing)}: "
                      "change it with PATCH, or choose another slug."]}
        )  # fmt: skip
    return building


def existing_company(data: dict[str, Any]) -> Tenant | None:
    """The company this create request already made, or None if the slug is free; a conflict otherwise."""
    company = Tenant.objects.filter(slug=data["slug"]).select_related("building").prefetch_related("domains").first()
    if company is None:
        if (
            Building.objects.filter(slug=data["slug"]).exists()
            or Tenant.objects.filter(schema_name=schema_name_for(data["slug"])).exists()
        ):
            raise Conflict({"slug": [f"'{data['slug']}' is already taken by a building."]})
        return None
    if company.type != Tenant.Type.COMPANY or company.status in (Tenant.Status.REMOVED, Tenant.Status.TEMPLATE):
        raise Conflict({"slug": [f"'{company.slug}' is taken and cannot be reused."]})
    current = {
        "building": company.building.slug if company.building else "",
        "slug": company.slug,
        "name": company.name,
        "custom_domain": next((d.domain for d in company.domains.all() if not d.is_primary), ""),
    }
    wanted = {
        "building": data["building"], "slug": data["slug"], "name": data["name"].strip(),
        "custom_domain": data["custom_domain"].strip().lower().rstrip("."),
    }  # fmt: skip
    differing = _differences(current, wanted)
    with tenant_context(company):
        if not User.objects.filter(email=data["admin_email"].strip().lower(), role=User.Role.ADMIN).exists():
            differing.append("admin_email")
    if differing:
        raise Conflict(
            {"slug": [f"Company '{company.slug}' already exists with a different {', '.join(differing)}: "
                      "change it with PATCH, or choose another slug."]}
        )  # fmt: skip
    return company
