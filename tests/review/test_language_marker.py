"""Staff see which language a person used: "Answered in Spanish" and the preferred language on
the queue row, at the top of the submission page and on the printable page. Staff pages stay
in the staff language, free-text answers are shown as the person wrote them, coded answers in
the staff label."""

import pytest
from django.urls import reverse

from tests.factories import intake_document, make_submission
from tests.review.helpers import signed_in_client, text

pytestmark = pytest.mark.django_db

QUEUE = reverse("staff:queue")


def spanish_submission(**about):
    about = {
        "legal_name": "María José Gutiérrez",
        "preferred_name": "Majo",
        "preferred_language": "es",
        "gender_identity": "mujer",
        **about,
    }
    return make_submission(intake_document(language="es", about=about))


def row_of(page, reference):
    start = page.index(f"/staff/submissions/{reference}/")
    return page[start : page.index("</tr>", start)]


def test_the_queue_row_says_answered_in_spanish_and_the_preferred_language(clinician):
    spanish = spanish_submission()
    english = make_submission(intake_document())

    page = text(signed_in_client(clinician).get(QUEUE))

    row = row_of(page, spanish.reference)
    assert '<span class="language-badge">Answered in Spanish</span>' in row
    assert "Preferred language: Spanish" in row
    assert "language-badge" not in row_of(page, english.reference)
    assert "Preferred language" not in row_of(page, english.reference)


def test_an_english_intake_preferring_spanish_shows_the_preference_only(clinician):
    submission = make_submission(intake_document(about={"preferred_language": "es"}))

    row = row_of(text(signed_in_client(clinician).get(QUEUE)), submission.reference)

    assert "Answered in" not in row
    assert "Preferred language: Spanish" in row


def test_the_submission_page_has_the_marker_at_the_top_and_stays_in_english(clinician):
    submission = spanish_submission()
    client = signed_in_client(clinician)
    # A patient's language choice in the same browser changes nothing for staff.
    client.get("/?lang=es")

    response = client.get(reverse("staff:submission", args=[submission.reference]))

    page = text(response)
    start = page.index('<header class="mb-2 submission-header')
    header = page[start : page.index("</header>", start)]
    assert "Answered in Spanish" in header
    assert "Preferred language: Spanish" in header
    assert "Free-text answers are shown as the person wrote them." in header
    assert '<html lang="en">' in page
    # Coded answers in the staff label, free text as written.
    assert "Spanish" in page
    assert "mujer" in page
    assert "Answers" in page and "Respuestas" not in page


def test_the_printable_page_carries_the_marker(clinician):
    submission = spanish_submission()

    page = text(
        signed_in_client(clinician).get(reverse("staff:print", args=[submission.reference]))
    )

    assert "Answered in Spanish" in page


def test_a_coordinator_sees_the_marker_too(coordinator):
    submission = spanish_submission()

    page = text(
        signed_in_client(coordinator).get(reverse("staff:submission", args=[submission.reference]))
    )

    assert "Answered in Spanish" in page


def test_older_documents_without_a_language_read_as_english():
    submission = make_submission(intake_document())

    assert submission.answered_in == "en"
    assert not submission.shows_language
