"""The review queue: urgency order, counts, filters, search, pagination and a fixed number of
queries whatever the page size or the table's size."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from screening.models import Acknowledgement, Assignment, Decision, Submission
from tests.review.helpers import make_outcome_submission, signed_in_client, text

QUEUE = reverse("staff:queue")


def references(response):
    return re.findall(
        r'class="ref fw-semibold" href="/staff/submissions/([A-Z0-9-]+)/"',
        response.content.decode(),
    )


def search(client, term, **filters):
    """The search form: a POST that keeps the term in the session, then the list it shows."""
    response = client.post(QUEUE, {"q": term, **filters})
    assert response.status_code == 303
    return client.get(response["Location"])


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


@pytest.fixture
def mixed(db):
    """Two of each outcome, the older one created second."""
    made = {}
    for outcome in ("eligible_for_consultation", "needs_review", "likely_excluded", "urgent"):
        newer = make_outcome_submission(outcome, submitted_at=ago(hours=2))
        older = make_outcome_submission(outcome, submitted_at=ago(days=3))
        made[outcome] = (older, newer)
    return made


def test_queue_is_sorted_by_urgency_then_oldest_first(clinician, mixed):
    response = signed_in_client(clinician).get(QUEUE)

    assert response.status_code == 200
    expected = [
        s.reference
        for outcome in ("urgent", "likely_excluded", "needs_review", "eligible_for_consultation")
        for s in mixed[outcome]
    ]
    assert references(response) == expected


def test_counts_per_outcome_are_shown_on_top(clinician, mixed):
    make_outcome_submission("urgent")

    body = text(signed_in_client(clinician).get(QUEUE))

    assert '<span class="count-number">3</span> Urgent' in body
    assert '<span class="count-number">2</span> Likely excluded' in body
    assert '<span class="count-number">2</span> Needs review' in body
    assert '<span class="count-number">2</span> Eligible for consultation' in body
    assert '<span class="count-number">9</span> All outcomes' in body


def test_unacknowledged_urgent_submissions_stand_out_with_their_wait(clinician, mixed):
    older, newer = mixed["urgent"]
    Acknowledgement.acknowledge(newer, action="called", note="", by=clinician)

    response = signed_in_client(clinician).get(QUEUE)

    rows = {row.submission.reference: row for row in response.context["rows"]}
    assert rows[older.reference].waiting
    assert not rows[newer.reference].waiting
    body = text(response)
    assert body.count("Not acknowledged · waiting") == 1
    assert "Not acknowledged · waiting 3 days" in body


def test_queue_rows_name_the_flags_that_need_a_clinician(clinician, mixed):
    body = text(signed_in_client(clinician).get(QUEUE))

    assert "PHQ-9 item 9" in body  # the urgent flag's title
    # Informational flags are left for the submission page.
    assert "Needs someone to take them home" not in body


@pytest.mark.parametrize(
    "outcome", ["urgent", "likely_excluded", "needs_review", "eligible_for_consultation"]
)
def test_filter_by_outcome(clinician, mixed, outcome):
    response = signed_in_client(clinician).get(QUEUE, {"outcome": outcome})

    assert references(response) == [s.reference for s in mixed[outcome]]
    assert response.context["total"] == 2


def test_filter_by_review_status_hides_decided_by_default(clinician, mixed):
    decided = mixed["eligible_for_consultation"][0]
    Decision.record(decided, kind="invite", note="Fits.", by=clinician, seen_decision_id=0)
    client = signed_in_client(clinician)

    assert decided.reference not in references(client.get(QUEUE))
    assert references(client.get(QUEUE, {"status": "decided"})) == [decided.reference]
    assert decided.reference in references(client.get(QUEUE, {"status": "all"}))
    assert len(references(client.get(QUEUE, {"status": "new"}))) == 7


def test_filter_by_assigned_clinician_and_mine(clinician, colleague, mixed):
    mine = mixed["needs_review"][1]
    theirs = mixed["urgent"][0]
    Assignment.assign(mine, to=clinician, by=clinician)
    Assignment.assign(theirs, to=colleague, by=clinician)
    client = signed_in_client(clinician)

    assert references(client.get(QUEUE, {"assigned": "mine"})) == [mine.reference]
    assert references(client.get(QUEUE, {"assigned": str(colleague.pk)})) == [theirs.reference]
    nobody = references(client.get(QUEUE, {"assigned": "none"}))
    assert len(nobody) == 6 and mine.reference not in nobody
    assert "In review" in text(client.get(QUEUE, {"assigned": "mine"}))


def test_filter_by_submission_date(clinician, mixed):
    today = timezone.localdate()
    client = signed_in_client(clinician)

    recent = references(client.get(QUEUE, {"submitted_from": today - timedelta(days=1)}))
    older = references(client.get(QUEUE, {"submitted_to": today - timedelta(days=2)}))

    assert sorted(recent) == sorted(pair[1].reference for pair in mixed.values())
    assert sorted(older) == sorted(pair[0].reference for pair in mixed.values())


def test_search_by_reference_name_email_or_phone(clinician, db):
    jordan = make_outcome_submission(
        "needs_review",
        about={
            "legal_name": "Jordan Q. Example",
            "email": "Jordan.Q@Example.org",
            "phone": "(910) 555-0177",
        },
    )
    make_outcome_submission("urgent", about={"email": "someone@example.org"})
    client = signed_in_client(clinician)

    for term in (
        jordan.reference,
        jordan.reference.lower(),
        jordan.reference.replace("-", ""),
        "jordan q. example",
        "jordan.q@example.org",
        "+1 910 555 0177",
        "9105550177",
    ):
        assert references(search(client, term)) == [jordan.reference], term
    assert references(search(client, "Jordan")) == []
    assert "No submissions match" in text(search(client, "nobody@example.org"))


def test_pagination_walks_the_whole_queue(clinician, db):
    for hours in range(23):
        make_outcome_submission("needs_review", submitted_at=ago(hours=hours + 1))
    client = signed_in_client(clinician)

    pages = [references(client.get(QUEUE, {"per_page": 10, "page": n})) for n in (1, 2, 3)]

    assert [len(p) for p in pages] == [10, 10, 3]
    assert len({ref for page in pages for ref in page}) == 23
    assert "page 2 of 3" in text(client.get(QUEUE, {"per_page": 10, "page": 2}))
    # A page past the end shows the last page rather than an error.
    assert references(client.get(QUEUE, {"per_page": 10, "page": 99})) == pages[2]
    assert references(client.get(QUEUE, {"per_page": 10, "page": "x"})) == pages[0]


def test_pagination_links_keep_the_filters(clinician, db):
    for _ in range(12):
        make_outcome_submission("urgent")

    body = signed_in_client(clinician).get(QUEUE, {"outcome": "urgent", "per_page": 10})

    assert 'href="?outcome=urgent&amp;per_page=10&amp;page=2"' in body.content.decode()


def test_bad_filters_get_a_message_and_never_an_error(clinician, mixed):
    response = signed_in_client(clinician).get(
        QUEUE,
        {
            "submitted_from": "2026-13-45",
            "outcome": "nonsense",
            "assigned": "999999",
            "per_page": "7",
        },
    )

    assert response.status_code == 200
    body = text(response)
    assert 'role="alert"' in body
    assert "These filters were not applied" in body
    assert "Enter a valid date" in body
    assert len(references(response)) == 8  # the unfiltered open queue


def test_end_date_before_start_date_is_explained(clinician, mixed):
    response = signed_in_client(clinician).get(
        QUEUE, {"submitted_from": "2026-11-20", "submitted_to": "2026-11-01"}
    )

    assert "The end date is before the start date" in text(response)


def test_coordinator_sees_the_queue_without_the_clinical_flags(coordinator, mixed):
    response = signed_in_client(coordinator).get(QUEUE)

    assert response.status_code == 200
    assert len(references(response)) == 8
    body = text(response)
    assert "Urgent" in body and "Jordan" in body
    assert "PHQ-9 item 9" not in body
    assert "C-SSRS risk" not in body


# --- A fixed number of queries ------------------------------------------------------------------

# Session, user, roles, reviewers for the filter, counts, rows, their screenings; and three for
# the staff session's idle timeout, saved on every request (savepoint, update, release); and
# the session's second-factor device (django-otp).
QUEUE_QUERIES = 11


def _fill(count):
    outcomes = ["urgent", "likely_excluded", "needs_review", "eligible_for_consultation"]
    for index in range(count):
        make_outcome_submission(outcomes[index % 4], submitted_at=ago(hours=index))


@pytest.mark.parametrize("count", [3, 60])
@pytest.mark.parametrize("per_page", [10, 50])
def test_queue_runs_a_fixed_number_of_queries(
    clinician, colleague, django_assert_num_queries, count, per_page
):
    _fill(count)
    for submission in Submission.objects.all()[:3]:
        Assignment.assign(submission, to=colleague, by=clinician)
        Decision.record(
            submission,
            kind="more_info",
            note="n",
            information_needed="x",
            by=clinician,
            seen_decision_id=0,
        )
    client = signed_in_client(clinician)

    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(QUEUE, {"per_page": per_page, "status": "all"})

    assert len(response.context["rows"]) == min(count, per_page)


@pytest.mark.parametrize("count", [3, 60])
def test_coordinators_queue_runs_a_fixed_number_of_queries(
    coordinator, django_assert_num_queries, count
):
    _fill(count)
    client = signed_in_client(coordinator)

    # As a clinician's, without the screenings, which coordinators do not see.
    with django_assert_num_queries(QUEUE_QUERIES - 1):
        client.get(QUEUE, {"per_page": 50})


def test_filtered_and_searched_queue_runs_the_same_number_of_queries(
    clinician, django_assert_num_queries
):
    _fill(12)
    client = signed_in_client(clinician)
    urgent = Submission.objects.filter(outcome="urgent").first()
    Assignment.assign(urgent, to=clinician, by=clinician)

    filters = {
        "outcome": "urgent",
        "assigned": "mine",
        "status": "all",
        "submitted_from": "2020-01-01",
    }
    listed = client.post(QUEUE, {**filters, "q": urgent.reference})["Location"]

    # The term comes from the session, which the sign-in check reads anyway: no query more.
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(listed)

    assert references(response) == [urgent.reference]


def test_time_attributes_are_valid_html_to_the_second(clinician):
    make_outcome_submission("needs_review")
    body = signed_in_client(clinician).get(reverse("staff:queue")).content.decode()
    stamps = re.findall(r'<time datetime="([^"]+)"', body)
    assert stamps
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", stamp), stamp
    assert 'action=""' not in body


def test_the_per_page_control_shows_how_many_are_listed(clinician):
    body = signed_in_client(clinician).get(reverse("staff:queue")).content.decode()
    assert '<option value="25" selected>25</option>' in body


# --- The search term stays out of addresses (issue 15) ------------------------------------------


def test_a_search_is_posted_kept_in_the_session_and_never_in_an_address(clinician, csrf_client):
    jordan = make_outcome_submission("needs_review", about={"email": "jordan.q@example.org"})
    make_outcome_submission("needs_review", about={"email": "someone@example.org"})
    for _ in range(11):
        make_outcome_submission("needs_review", about={"email": "jordan.q@example.org"})
    csrf_client.force_login(clinician)
    page = csrf_client.get(QUEUE)
    token = csrf_client.cookies["csrftoken"].value
    assert 'method="post"' in page.content.decode()

    # Without the CSRF token the search is refused and nothing is kept.
    refused = csrf_client.post(QUEUE, {"q": "jordan.q@example.org"})
    assert refused.status_code == 403
    assert "staff_queue_search" not in csrf_client.session

    posted = csrf_client.post(
        QUEUE,
        {"q": " jordan.q@example.org ", "per_page": "10", "csrfmiddlewaretoken": token},
    )
    assert posted.status_code == 303
    assert posted["Location"] == f"{QUEUE}?per_page=10"
    assert csrf_client.session["staff_queue_search"] == "jordan.q@example.org"

    listed = csrf_client.get(posted["Location"])
    body = listed.content.decode()
    assert len(references(listed)) == 10 and jordan.reference in references(listed)
    assert "page 1 of 2" in text(listed)
    # The term is in the box, not in any link: pagination and the outcome counts carry filters.
    assert 'value="jordan.q@example.org"' in body
    links = re.findall(r'href="([^"]*)"', body)
    assert links and not [link for link in links if "jordan" in link or "q=" in link]
    assert 'href="?per_page=10&amp;page=2"' in body
    assert len(references(csrf_client.get(QUEUE, {"per_page": 10, "page": 2}))) == 2

    # "Clear search" forgets the term and keeps the filters.
    cleared = csrf_client.post(
        QUEUE,
        {
            "q": "jordan.q@example.org",
            "per_page": "10",
            "clear_search": "1",
            "csrfmiddlewaretoken": token,
        },
    )
    assert (cleared.status_code, cleared["Location"]) == (303, f"{QUEUE}?per_page=10")
    assert "staff_queue_search" not in csrf_client.session
    assert len(references(csrf_client.get(cleared["Location"]))) == 10


def test_clear_all_forgets_the_search_and_the_filters(clinician):
    make_outcome_submission("urgent")
    client = signed_in_client(clinician)
    search(client, "nobody@example.org", outcome="urgent")
    assert "No submissions match" in text(client.get(QUEUE))

    response = client.post(QUEUE, {"q": "nobody@example.org", "clear": "1"})

    assert (response.status_code, response["Location"]) == (303, QUEUE)
    assert len(references(client.get(QUEUE))) == 1


def test_a_search_term_in_an_address_is_dropped_not_obeyed(clinician):
    jordan = make_outcome_submission("needs_review", about={"email": "jordan.q@example.org"})
    make_outcome_submission("urgent")
    client = signed_in_client(clinician)

    response = client.get(QUEUE, {"q": "jordan.q@example.org", "outcome": "needs_review"})

    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?outcome=needs_review"
    assert "staff_queue_search" not in client.session
    listed = client.get(response["Location"])
    assert references(listed) == [jordan.reference]
    assert "Searches are not kept in addresses" in text(listed)


def test_a_search_too_long_is_explained_not_an_error(clinician):
    make_outcome_submission("urgent")
    client = signed_in_client(clinician)

    response = search(client, "x" * 300)

    assert response.status_code == 200
    body = text(response)
    assert "These filters were not applied" in body
    assert "Clear search" in body
