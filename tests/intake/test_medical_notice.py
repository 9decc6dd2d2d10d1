"""A blood-pressure reading in the crisis range: the next page is a calm medical notice (the
clinical reference's wording), once per reading, and then the intake goes on."""

import pytest

from screening.models import ClinicThresholds, Draft, Submission
from tests.intake.helpers import csrf_post, draft_at, fill, page_text, post, step_data, step_url

pytestmark = pytest.mark.django_db

NOTICE_WORDS = (
    "If you have chest pain, shortness of breath, back pain, numbness or weakness, a change in "
    "vision or difficulty speaking, call 911 now; otherwise contact your doctor today"
)


def notice_url(token):
    return "/intake/my/medical-notice/"


def reading(systolic, diastolic):
    return step_data("medical", bp_systolic=str(systolic), bp_diastolic=str(diastolic))


@pytest.mark.parametrize(("systolic", "diastolic"), [(250, 150), (180, 90), (170, 120)])
def test_a_crisis_reading_brings_the_notice_next(client, systolic, diastolic):
    _draft, token = draft_at("medical", client)

    response = client.post(step_url(token, "medical"), reading(systolic, diastolic))

    assert response["Location"] == notice_url(token)
    assert "medical" in Draft.objects.get().answers


@pytest.mark.parametrize(("systolic", "diastolic"), [(179, 119), (128, 82)])
def test_a_reading_below_the_crisis_range_goes_straight_on(client, systolic, diastolic):
    _draft, token = draft_at("medical", client)

    response = client.post(step_url(token, "medical"), reading(systolic, diastolic))

    assert response["Location"] == step_url(token, "substances")


def test_no_reading_goes_straight_on(client):
    _draft, token = draft_at("medical", client)
    data = step_data("medical", hypertension="no", bp_systolic=None, bp_diastolic=None)
    for part in ("bp_measured_on_day", "bp_measured_on_month", "bp_measured_on_year"):
        data.pop(part)

    response = client.post(step_url(token, "medical"), data)

    assert response["Location"] == step_url(token, "substances")


def test_the_notice_has_the_reference_wording_the_crisis_bar_and_a_way_on(client):
    _draft, token = draft_at("medical", client)
    client.post(step_url(token, "medical"), reading(250, 150))

    response = client.get(notice_url(token))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    text = page_text(response)
    assert NOTICE_WORDS in text
    body = response.content.decode()
    assert 'href="tel:911"' in body
    # The crisis bar, in full.
    assert 'class="crisis-bar"' in body
    for link in ('href="tel:988"', 'href="sms:988"', "988lifeline.org", 'href="/crisis/"'):
        assert link in body
    assert "Continue with my intake" in text
    assert f'href="{step_url(token, "substances")}"' in body
    assert Draft.objects.get().medical_notice_shown_at is not None


def test_continue_opens_the_next_step_and_the_rest_is_not_held(client):
    _draft, token = draft_at("medical", client)
    client.post(step_url(token, "medical"), reading(250, 150))

    # Without opening the notice the next steps are still open: it does not block.
    assert client.get(step_url(token, "substances")).status_code == 200
    assert client.get(f"/intake/r/{token}/")["Location"] == step_url(token, "substances")
    client.get(notice_url(token))
    assert client.get(step_url(token, "substances")).status_code == 200


def test_the_notice_is_shown_once_per_reading(client):
    _draft, token = draft_at("medical", client)
    client.post(step_url(token, "medical"), reading(250, 150))
    client.get(notice_url(token))
    first = Draft.objects.get().medical_notice_shown_at

    # The same reading saved again: on to the next step.
    response = client.post(step_url(token, "medical"), reading(250, 150))
    assert response["Location"] == step_url(token, "substances")
    assert Draft.objects.get().medical_notice_shown_at == first

    # A new reading in the crisis range: the notice again.
    response = client.post(step_url(token, "medical"), reading(210, 125))
    assert response["Location"] == notice_url(token)
    assert Draft.objects.get().medical_notice_shown_at is None
    client.get(notice_url(token))
    assert Draft.objects.get().medical_notice_shown_at > first

    # Down out of the range and back up to the first reading: new again.
    client.post(step_url(token, "medical"), reading(130, 85))
    response = client.post(step_url(token, "medical"), reading(250, 150))
    assert response["Location"] == notice_url(token)


def test_a_reading_saved_but_the_notice_not_opened_brings_it_again(client):
    _draft, token = draft_at("medical", client)
    client.post(step_url(token, "medical"), reading(250, 150))

    response = client.post(step_url(token, "medical"), reading(250, 150))

    assert response["Location"] == notice_url(token)


def test_finish_later_with_a_crisis_reading_shows_the_notice_first(client):
    _draft, token = draft_at("medical", client)

    response = client.post(step_url(token, "medical"), {**reading(250, 150), "action": "later"})

    assert response["Location"] == notice_url(token)
    assert 'href="/intake/my/saved/"' in client.get(notice_url(token)).content.decode()


def test_the_clinics_crisis_limits_decide(client):
    ClinicThresholds.objects.create(values={"bp_crisis_systolic": 160})
    _draft, token = draft_at("medical", client)

    response = client.post(step_url(token, "medical"), reading(165, 95))

    assert response["Location"] == notice_url(token)


def test_the_notice_page_without_a_crisis_reading_sends_the_person_on(client):
    _draft, token = draft_at("medical", client)
    client.post(step_url(token, "medical"), reading(128, 82))

    response = client.get(notice_url(token))

    assert response["Location"] == step_url(token, "substances")
    assert Draft.objects.get().medical_notice_shown_at is None


def test_a_wrong_link_gets_the_kind_page(client):
    response = client.get("/intake/r/not-a-real-token/medical-notice/")

    assert response.status_code == 404


def test_the_submission_is_urgent_and_records_the_notice(csrf_client):
    _draft, token = draft_at("medical", csrf_client)
    response = csrf_post(csrf_client, step_url(token, "medical"), reading(250, 150))
    assert response["Location"] == notice_url(token)
    csrf_client.get(notice_url(token))

    fill(csrf_client, token, until=None, medical={"bp_systolic": "250", "bp_diastolic": "150"})

    submission = Submission.objects.get()
    assert submission.outcome == "urgent"
    assert submission.cssrs_risk == "none"
    assert submission.intake["medical_notice_shown_at"]
    codes = {flag["code"] for flag in submission.screenings.get().result["flags"]}
    assert {"RISK_BP_CRISIS", "CI_BP_SEVERE"} <= codes


def test_post_through_the_notice_path_keeps_csrf(csrf_client):
    _draft, token = draft_at("medical", csrf_client)

    # Without the token the save is refused.
    refused = csrf_client.post(step_url(token, "medical"), reading(250, 150))
    assert refused.status_code == 403
    response = post(csrf_client, step_url(token, "medical"), reading(250, 150))
    assert response["Location"] == notice_url(token)
