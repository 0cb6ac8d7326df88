from django.urls import path

from tenant_apps.visits import views

app_name = "visits"

urlpatterns = [
    path("upcoming/", views.upcoming, name="upcoming"),
    path("history/", views.history, name="history"),
    path("new/", views.visit_new, name="new"),
    path("ask-details/", views.visit_ask_details, name="ask_details"),
    path("import/", views.visit_import, name="import"),
    path("<int:visit_id>/", views.visit_detail, name="detail"),
    path("<int:visit_id>/edit/", views.visit_edit, name="edit"),
    path("<int:visit_id>/reschedule/", views.visit_reschedule_view, name="reschedule"),
    path("<int:visit_id>/cancel/", views.visit_cancel_view, name="cancel"),
    path("<int:visit_id>/cancel-rest/", views.visit_cancel_rest_view, name="cancel_rest"),
    path("<int:visit_id>/no-show/", views.visit_no_show_view, name="no_show"),
    path("<int:visit_id>/code/", views.visit_code_view, name="code"),
    path("<int:visit_id>/approve/", views.visit_decide_view, {"decision": "approve"}, name="approve"),
    path("<int:visit_id>/decline/", views.visit_decide_view, {"decision": "decline"}, name="decline"),
]
