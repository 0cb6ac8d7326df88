from django.urls import path

from shared_apps.console.views import audit, buildings, companies, desk_staff, maintenance, signins, support, tokens

app_name = "console"

urlpatterns = [
    path("buildings/new/", buildings.building_new, name="building_new"),
    path("buildings/<slug:slug>/", buildings.building_detail, name="building_detail"),
    path("buildings/<slug:slug>/archive/", buildings.building_archive_view, name="building_archive"),
    path("buildings/<slug:slug>/documents/", buildings.building_documents, name="building_documents"),
    path("buildings/<slug:slug>/desk-staff/", desk_staff.desk_staff, name="building_desk_staff"),
    path(
        "buildings/<slug:slug>/desk-staff/<int:user_id>/deactivate/",
        desk_staff.desk_staff_deactivate_view,
        name="building_desk_staff_deactivate",
    ),
    path("companies/", companies.company_list, name="companies"),
    path("companies/new/", companies.company_new, name="company_new"),
    path("companies/<slug:slug>/", companies.company_detail, name="company_detail"),
    path("companies/<slug:slug>/suspend/", companies.company_suspend_view, name="company_suspend"),
    path("companies/<slug:slug>/reactivate/", companies.company_reactivate_view, name="company_reactivate"),
    path("companies/<slug:slug>/remove/", companies.company_remove_view, name="company_remove"),
    path("audit/", audit.audit_list, name="audit"),
    path("sign-ins/", signins.signin_list, name="signins"),
    path("support/", support.support_start, name="support_start"),
    path("support/<int:grant_id>/", support.support_visits, name="support_visits"),
    path("support/<int:grant_id>/end/", support.support_end, name="support_end"),
    path("maintenance/", maintenance.maintenance, name="maintenance"),
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token_revoke"),
]
