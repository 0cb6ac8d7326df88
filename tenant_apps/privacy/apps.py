from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "tenant_apps.privacy"
    label = "privacy"
    verbose_name = "Retention, exports and data-subject requests"

    def ready(self) -> None:
        # The privacy e-mails go through the notifications outbox; privacy writes them (notifications never imports
        # privacy, which sits above it).
        from tenant_apps.notifications.models import Delivery
        from tenant_apps.notifications.sending import message_builder_register
        from tenant_apps.privacy.objection_confirm import consent_confirmation_email
        from tenant_apps.privacy.person_link_request import person_link_email
        from tenant_apps.privacy.subject_requests import subject_message_email

        message_builder_register(Delivery.Kind.CONSENT_CONFIRMATION, consent_confirmation_email)
        message_builder_register(Delivery.Kind.PERSON_LINK, person_link_email)
        for kind in (Delivery.Kind.SUBJECT_NOTICE, Delivery.Kind.SUBJECT_EXTENSION, Delivery.Kind.SUBJECT_OUTCOME):
            message_builder_register(kind, subject_message_email)
