"""No input, however long, odd or malicious, produces a server error on any intake page."""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.models import Draft
from tests.intake.helpers import (
    STEP_ORDER,
    draft_at,
    step_data,
    step_url,
)

pytestmark = pytest.mark.django_db

NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\x00abc",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "9" * 400,
        "-1",
        "1e999",
        "1E+5",
        "NaN",
        "-Infinity",
        "٣",
        "２０",
        "0x10",
        "2/30/2000",
        "\u202e\u200b",
        "{{ 7*7 }}",
        "{% debug %}",
        "../../etc/passwd",
        "add-trials",
        "add-__prefix__",
        "add-",
        "later",
        "999999999999999999999999",
    ]
)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
# Long input built from a short piece: generating thousands of random characters is slow.
LONG = st.builds(lambda piece, times: piece * times, TEXT.filter(bool), st.integers(50, 500))
VALUES = st.one_of(NASTY, TEXT, LONG)
EXTRA_KEYS = [
    "action",
    "trials-TOTAL_FORMS",
    "trials-INITIAL_FORMS",
    "trials-99-medication",
    "medications-TOTAL_FORMS",
    "treatments-0-kind",
    "date_of_birth_3",
    "__proto__",
]


@pytest.mark.parametrize("slug", STEP_ORDER)
def test_odd_answers_on_any_step_get_a_page_never_a_server_error(client, slug):
    _draft, token = draft_at(slug, client)
    keys = sorted(step_data(slug)) + EXTRA_KEYS

    @settings(
        max_examples=int(os.environ.get("INTAKE_FUZZ_EXAMPLES", "25")),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(changes=st.dictionaries(st.sampled_from(keys), VALUES, max_size=6))
    def post(changes):
        response = client.post(step_url(token, slug), {**step_data(slug), **changes})
        # 413: over Django's upload limit, refused before any view runs.
        assert response.status_code in (200, 302, 413), repr(changes)[:300]

    post()


def test_bytes_that_are_not_text_and_huge_bodies_are_refused_politely(client):
    _draft, token = draft_at("care-team", client)
    url = step_url(token, "care-team")

    response = client.post(
        url,
        data=b"\xff\xfe=\xff&psychiatrist=\xc3\x28",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    response = client.post(url, {f"field{i}": "x" for i in range(1200)})
    assert response.status_code == 400
    response = client.post(url, {"psychiatrist": "x" * 3_000_000})
    assert response.status_code == 413
    assert "care-team" not in Draft.objects.get().answers


def test_odd_links_are_not_found_not_errors(client):
    for token in ("%00", "..", "a" * 2000, "<script>", "\u202e"):
        response = client.get(f"/intake/r/{token}/about/")
        # A NUL is refused before any view (clinic.middleware.PrivatePagesMiddleware).
        assert response.status_code == (400 if token == "%00" else 404)
