"""A complete, valid intake as the form data each step posts, mirroring tests/data/
intake-example.json, and helpers that walk a client through the steps."""

import copy
import re
from datetime import timedelta

from django.core import signing
from django.utils import timezone

from clinic import private_links

ROWS = {"INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "30"}


def rows(prefix, items):
    data = {f"{prefix}-TOTAL_FORMS": str(len(items))}
    data |= {f"{prefix}-{key}": value for key, value in ROWS.items()}
    for i, item in enumerate(items):
        data |= {f"{prefix}-{i}-{key}": value for key, value in item.items()}
    return data


def _reading_date():
    day = timezone.localdate() - timedelta(days=21)
    return {
        "bp_measured_on_month": str(day.month),
        "bp_measured_on_day": str(day.day),
        "bp_measured_on_year": str(day.year),
    }


def _steps():
    return {
        "about": {
            "legal_name": "Jordan A. Rivera",
            "preferred_name": "Jordan",
            "date_of_birth_month": "3",
            "date_of_birth_day": "14",
            "date_of_birth_year": "1987",
            "sex_at_birth": "female",
            "gender_identity": "woman",
            "preferred_language": "en",
            "email": "jordan.rivera@example.org",
            "phone": "+1 910 555 0142",
            "postal_code": "28301",
            "state": "NC",
            "contact_channels": ["phone", "email"],
            "heard_about": "clinician",
        },
        "care-team": {
            "psychiatrist": "Dr. Lee, Cape Fear Behavioral Health",
            "therapist": "Sam Ortiz, LCSW",
            "primary_care": "Dr. Patel",
            "referring_clinician": "Dr. Lee",
            "emergency_contact_name": "Alex Rivera",
            "emergency_contact_relation": "spouse",
            "emergency_contact_phone": "+1 910 555 0199",
            "driver_available": "yes",
        },
        "mental-health": {
            "diagnoses": ["depression", "anxiety"],
            "depression_onset_age": "19",
            "hospitalizations": "0",
            "psychosis_now": "no",
            "psychosis_past": "no",
            "psychosis_family": "no",
            "mania_now": "no",
            **rows(
                "trials",
                [
                    {
                        "medication": "sertraline",
                        "max_daily_dose_mg": "150",
                        "weeks": "10",
                        "current_episode": "yes",
                        "improvement": "a_little",
                    },
                    {
                        "medication": "bupropion",
                        "max_daily_dose_mg": "300",
                        "weeks": "8",
                        "current_episode": "yes",
                        "improvement": "none",
                    },
                    {
                        "medication": "venlafaxine",
                        "max_daily_dose_mg": "150",
                        "weeks": "3",
                        "current_episode": "yes",
                        "improvement": "unsure",
                    },
                ],
            ),
            **rows("treatments", [{"kind": "psychotherapy", "outcome": "partly"}]),
        },
        "questionnaires": {
            **{f"phq9_{i}": str(v) for i, v in enumerate([2, 3, 2, 3, 1, 2, 2, 1, 0], start=1)},
            "phq9_difficulty": "very",
            **{f"gad7_{i}": str(v) for i, v in enumerate([2, 1, 2, 1, 1, 1, 1], start=1)},
            "cssrs_q1": "no",
            "cssrs_q2": "no",
            "cssrs_q6": "no",
        },
        "medical": {
            "hypertension": "controlled",
            "bp_systolic": "128",
            "bp_diastolic": "82",
            **_reading_date(),
            "heart_any": "no",
            "brain_any": "no",
            "glaucoma": "no",
            "eye_injury": "no",
            "seizures": "no",
            "sleep_apnea": "no",
            "severe_lung_disease": "no",
            "bladder_problems": "no",
            "dementia": "no",
            "liver_disease": "no",
            "thyroid": "underactive",
            "height_unit": "cm",
            "height_cm": "168",
            "weight_value": "72.5",
            "weight_unit": "kg",
            "pregnant": "no",
            "breastfeeding": "no",
            "planning_pregnancy": "no",
            "has_allergies": "yes",
            "allergies": "penicillin",
            "ketamine_allergy": "no",
            "prior_anesthesia_or_ketamine_reaction": "no",
        },
        "substances": {
            "alcohol": "monthly_or_less",
            "cannabis": "past_only",
            "stimulants_nonprescribed": "never",
            "opioids_nonprescribed": "never",
            "sedatives_nonprescribed": "never",
            "dissociatives": "never",
            "problem_past_3_months": "no",
            "ever_treated": "no",
        },
        "medications": {
            **rows(
                "medications",
                [
                    {"name": "levothyroxine", "dose": "75 mcg", "frequency": "daily"},
                    {"name": "lamotrigine", "dose": "100 mg", "frequency": "daily"},
                    {"name": "lisinopril", "dose": "10 mg", "frequency": "daily"},
                ],
            ),
            "takes_benzodiazepine": "no",
            "takes_lamotrigine": "yes",
            "takes_maoi": "no",
            "takes_stimulant": "no",
            "takes_opioid": "no",
            "takes_memantine": "no",
            "takes_sedative_hypnotic": "no",
        },
        "review": {
            "not_emergency_service": "on",
            "privacy_notice": "on",
            "contact_by_chosen_channels": "on",
            "signature": "Jordan A. Rivera",
        },
    }


STEP_ORDER = (
    "about",
    "care-team",
    "mental-health",
    "questionnaires",
    "medical",
    "substances",
    "medications",
    "review",
)


def step_data(slug, **changes):
    """The valid form data of one step; a change to None removes that key."""
    data = copy.deepcopy(_steps()[slug])
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def token_of(response) -> str:
    """The private link's token a response bound to the browser (clinic.private_links)."""
    cookie = response.cookies[private_links.COOKIE]
    return signing.get_cookie_signer(salt=private_links.COOKIE + private_links.SALT).unsign(
        cookie.value
    )


def step_url(_token, slug):
    # Pages after the private link's exchange carry no token; the client's cookie opens them.
    return f"/intake/my/{slug}/"


def open_link(client, token):
    """Open a private link in `client`, as from the email: the exchange for the cookie."""
    response = client.get(f"/intake/r/{token}/")
    assert response.status_code == 302, response.status_code
    return response


def post(client, url, data=None):
    """POST as a browser would: with a CSRF-enforcing client, the CSRF cookie goes back too."""
    data = dict(data or {})
    if client.handler.enforce_csrf_checks:
        if "csrftoken" not in client.cookies:
            client.get("/intake/")
        data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    return client.post(url, data)


def start(client) -> str:
    response = post(client, "/intake/")
    assert response.status_code == 302
    return token_of(response)


def fill(client, token, until=None, **step_changes):
    """Post every step in order, stopping before `until`; `step_changes` maps a slug (with
    underscores for dashes) to the changes for that step. Returns the last response."""
    response = None
    for slug in STEP_ORDER:
        if slug == until:
            break
        changes = step_changes.get(slug.replace("-", "_"), {})
        response = post(client, step_url(token, slug), step_data(slug, **changes))
        assert response.status_code == 302, (slug, response.content.decode()[:3000])
        if "/support/" in response["Location"]:
            post(client, "/intake/my/support/")
    return response


def draft_at(until, client, **step_changes):
    """A draft whose steps before `until` are saved through the real views; returns
    (draft, token)."""
    from screening.models import Draft

    token = start(client)
    fill(client, token, until=until, **step_changes)
    return Draft.objects.get(token_hash=_hash(token)), token


def _hash(token):
    from screening.models.intake import hash_token

    return hash_token(token)


def csrf_post(client, url, data):
    """A POST the way a browser sends it: the page first, then its CSRF cookie back."""
    client.get(url)
    token = client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def page_text(response) -> str:
    """The visible text of a response, whitespace collapsed (for wording checks)."""
    import html

    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
