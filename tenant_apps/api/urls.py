from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authentication import SessionAuthentication
from rest_framework.routers import SimpleRouter

from shared_apps.api_tokens.authentication import ApiTokenAuthentication
from shared_apps.tenancy.models import Tenant
from shared_apps.tenancy.public_links import urlconf_of
from tenant_apps.api import views
from tenant_apps.api.api import HostApi, ParcelApi, VisitApi, VisitorApi
from tenant_apps.api.permissions import IsCompanyStaff

app_name = "api"

router = SimpleRouter()
router.register("visitors", VisitorApi, basename="visitor")
router.register("visits", VisitApi, basename="visit")
router.register("hosts", HostApi, basename="host")
router.register("parcels", ParcelApi, basename="parcel")

schema = SpectacularAPIView.as_view(
    urlconf=urlconf_of(Tenant.Type.COMPANY),
    authentication_classes=[ApiTokenAuthentication, SessionAuthentication],
    permission_classes=[IsCompanyStaff],
)

urlpatterns = [
    path("", include(router.urls)),
    path("schema/", schema, name="schema"),
    path("docs/", views.api_docs, name="docs"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
