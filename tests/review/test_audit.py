"""The audit trail: append-only, read-only in the admin, readable and filterable by
administrators at /staff/audit/."""

from datetime import timedelta

import pytest
from django.db.models import ProtectedError
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from clinic import audit
from clinic.models import AppendOnlyError, AuditEvent
from tests.review.helpers import make_outcome_submission, signed_in_client, text

AUDIT = reverse("staff:audit")


def test_events_can_be_neither_changed_nor_deleted(clinician):
    event = audit.record(None, audit.Action.RETENTION, actor=clinician, detail={"deleted": 3})

    event.detail = {"deleted": 0}
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(detail={})
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().detail == {"deleted": 3}


def test_an_account_with_history_cannot_be_deleted(clinician):
    audit.record(None, audit.Action.SIGN_IN, actor=clinician)

    with pytest.raises(ProtectedError):
        clinician.delete()


@pytest.mark.django_db
def test_commands_record_events_without_a_request():
    event = audit.record(None, audit.Action.RETENTION, detail={"deleted": 2})

    assert (event.actor, event.actor_label, event.ip_address) == (None, "", None)


@pytest.mark.django_db
def test_forwarded_addresses_are_trusted_only_behind_configured_proxies():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )

    assert audit.client_ip(request) == "10.0.0.2"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert audit.client_ip(request) == "203.0.113.7"


# --- The Django admin ---------------------------------------------------------------------------


def test_admin_lists_events_but_cannot_add_change_or_delete(administrator, clinician):
    event = audit.record(None, audit.Action.SIGN_IN, actor=clinician)
    client = signed_in_client(administrator)

    assert client.get("/admin/clinic/auditevent/").status_code == 200
    assert client.get("/admin/clinic/auditevent/add/").status_code == 403
    assert client.get(f"/admin/clinic/auditevent/{event.pk}/delete/").status_code == 403
    change = client.get(f"/admin/clinic/auditevent/{event.pk}/change/")
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    post = client.post(f"/admin/clinic/auditevent/{event.pk}/change/", {"action": "decide"})
    assert post.status_code == 403
    bulk = client.post(
        "/admin/clinic/auditevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=event.pk, action="sign_in").exists()


# --- /staff/audit/ ------------------------------------------------------------------------------


@pytest.fixture
def trail(clinician, colleague):
    first = make_outcome_submission("urgent")
    second = make_outcome_submission("needs_review")
    events = [
        audit.record(None, audit.Action.SIGN_IN, actor=clinician),
        audit.record(None, audit.Action.VIEW_SUBMISSION, actor=clinician, target=first),
        audit.record(None, audit.Action.DECIDE, actor=colleague, target=second,
                     detail={"kind": "invite", "decision_id": 1}),
        audit.record(None, audit.Action.SIGN_IN_FAILED, actor_label="mallory"),
    ]  # fmt: skip
    old = AuditEvent(action=audit.Action.SIGN_IN, actor=colleague, actor_label="dana",
                     at=timezone.now() - timedelta(days=40))  # fmt: skip
    old.save()
    return {"first": first, "second": second, "events": events, "old": old}


def actions_listed(response):
    return [event.action for event in response.context["page"].object_list]


def test_administrator_reads_the_whole_trail_newest_first(administrator, trail):
    response = signed_in_client(administrator).get(AUDIT)

    assert response.status_code == 200
    assert actions_listed(response) == [
        "sign_in",  # the administrator's own sign-in, just now
        "sign_in_failed",
        "decide",
        "view_submission",
        "sign_in",
        "sign_in",
    ]
    body = text(response)
    assert 'mallory <span class="small">(no account)</span>' in body
    assert f'<a href="/staff/submissions/{trail["first"].reference}/">' in body
    # Details in words, not raw key=value pairs.
    assert "Kind: invite" in body
    assert "kind=invite" not in body


def test_filter_by_actor_action_reference_and_date(administrator, colleague, trail):
    client = signed_in_client(administrator)

    assert actions_listed(client.get(AUDIT, {"actor": colleague.pk})) == ["decide", "sign_in"]
    assert actions_listed(client.get(AUDIT, {"actor": "system"})) == ["sign_in_failed"]
    assert actions_listed(client.get(AUDIT, {"action": "decide"})) == ["decide"]
    reference = trail["first"].reference.lower()
    assert actions_listed(client.get(AUDIT, {"reference": reference})) == ["view_submission"]
    since = timezone.localdate() - timedelta(days=1)
    assert len(actions_listed(client.get(AUDIT, {"date_from": since}))) == 5  # with our sign-in
    until = timezone.localdate() - timedelta(days=30)
    assert actions_listed(client.get(AUDIT, {"date_to": until})) == ["sign_in"]


def test_bad_audit_filters_get_a_message(administrator, trail):
    response = signed_in_client(administrator).get(AUDIT, {"date_from": "yesterday"})

    assert response.status_code == 200
    assert "Enter a valid date" in text(response)
    assert len(actions_listed(response)) == 6


# Session, user, roles, actors for the filter, count, page (none per row); and three for the
# staff session's idle timeout, saved on every request (savepoint, update, release); and the
# session's second-factor device (django-otp).
AUDIT_QUERIES = 10


@pytest.mark.parametrize("extra", [0, 80])
def test_audit_page_runs_a_fixed_number_of_queries(
    administrator, trail, django_assert_num_queries, extra
):
    for _ in range(extra):
        audit.record(None, audit.Action.VIEW_SUBMISSION, target=trail["second"])
    client = signed_in_client(administrator)

    with django_assert_num_queries(AUDIT_QUERIES):
        response = client.get(AUDIT, {"page": 2 if extra else 1})

    assert len(response.context["page"].object_list) == (36 if extra else 6)
