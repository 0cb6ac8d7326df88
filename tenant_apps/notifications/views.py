"""The company admins' notification pages: webhook settings and the delivery log."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.accounts.access import rule_required
from tenant_apps.notifications.access import may_manage_notifications
from tenant_apps.notifications.forms import ChatChannelsForm, WebhookForm
from tenant_apps.notifications.selectors import deliveries_recent, webhook_attempts_recent
from tenant_apps.notifications.services import (
    DeliveryError,
    chat_channels_update,
    webhook_secret_regenerate,
    webhook_send_test,
    webhook_settings_update,
)
from tenant_apps.notifications.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER
from tenant_apps.visits.selectors import company_settings


def _settings_page(
    request: HttpRequest, form: WebhookForm, new_secret: str | None = None, chat_form: ChatChannelsForm | None = None
) -> HttpResponse:
    settings = company_settings()
    if chat_form is None:
        chat_form = ChatChannelsForm(
            initial={"teams_url": settings.teams_webhook_url, "slack_url": settings.slack_webhook_url}
        )
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "chat_form": chat_form,
            "settings": settings,
            "new_secret": new_secret,
            "secret_hint": settings.webhook_secret[-4:] if settings.webhook_secret else "",
            "signature_header": SIGNATURE_HEADER,
            "timestamp_header": TIMESTAMP_HEADER,
            "attempts": webhook_attempts_recent(limit=5),
        },
    )


@rule_required(may_manage_notifications)
def notification_settings(request: HttpRequest) -> HttpResponse:
    """The webhook URL; saving a first URL shows its new secret once, on the page that answers the POST."""
    if request.method == "POST":
        form = WebhookForm(request.POST)
        if form.is_valid():
            _saved, new_secret = webhook_settings_update(
                url=form.cleaned_data["url"], actor=request.user.get_username()
            )
            messages.success(request, _("The webhook settings are saved."))
            if new_secret:
                return _settings_page(request, WebhookForm(initial={"url": form.cleaned_data["url"]}), new_secret)
            return redirect("notifications:settings")
        return _settings_page(request, form)
    return _settings_page(request, WebhookForm(initial={"url": company_settings().webhook_url}))


@rule_required(may_manage_notifications)
@require_POST
def chat_channels(request: HttpRequest) -> HttpResponse:
    """The Teams and Slack incoming-webhook addresses; a refused one shows the page again with its error."""
    form = ChatChannelsForm(request.POST)
    if not form.is_valid():
        webhook = WebhookForm(initial={"url": company_settings().webhook_url})
        return _settings_page(request, webhook, chat_form=form)
    chat_channels_update(
        teams_url=form.cleaned_data["teams_url"],
        slack_url=form.cleaned_data["slack_url"],
        actor=request.user.get_username(),
    )
    messages.success(request, _("The Teams and Slack settings are saved."))
    return redirect("notifications:settings")


@rule_required(may_manage_notifications)
@require_POST
def secret_regenerate(request: HttpRequest) -> HttpResponse:
    """A new signing secret, shown once in the answer to this POST and never again."""
    new_secret = webhook_secret_regenerate(actor=request.user.get_username())
    messages.success(request, _("A new secret is in use. Update your receiver now: the old one no longer verifies."))
    return _settings_page(request, WebhookForm(initial={"url": company_settings().webhook_url}), new_secret)


@rule_required(may_manage_notifications)
@require_POST
def webhook_test(request: HttpRequest) -> HttpResponse:
    """Send a signed `ping` to the webhook now and say how it went."""
    try:
        attempt = webhook_send_test(actor=request.user.get_username())
    except DeliveryError:
        messages.error(request, _("Set a webhook URL first."))
        return redirect("notifications:settings")
    if attempt.succeeded:
        messages.success(
            request, _("The test reached your webhook (HTTP %(status)s).") % {"status": attempt.status_code}
        )
    else:
        messages.error(request, _("The test failed: %(error)s.") % {"error": attempt.error})
    return redirect("notifications:settings")


@rule_required(may_manage_notifications)
def delivery_log(request: HttpRequest) -> HttpResponse:
    """The latest e-mails and webhook calls, with their status and errors."""
    return render(
        request,
        "notifications/log.html",
        {"deliveries": deliveries_recent(), "attempts": webhook_attempts_recent()},
    )
