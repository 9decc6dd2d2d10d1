"""Spanish on the patient side (issue 14): the switch, the browser's Accept-Language, the
language kept with the draft and reopened by the private link, the About step's preferred
language, the private-link email and validation messages (Django's own too) in Spanish, and
staff pages that stay in the staff language."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from screening.intake.export import draft_to_intake
from screening.models import Draft
from tests.intake.helpers import (
    draft_at,
    fill,
    open_link,
    page_text,
    post,
    start,
    step_data,
    step_url,
)

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def spanish_client(**extra) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9", **extra)


# --- The switch and the first visit ------------------------------------------------------------


@pytest.mark.parametrize(
    "accept", ["es", "es-US,es;q=0.9,en;q=0.8", "es-MX", "es-419,en;q=0.5"], ids=str
)
def test_a_first_visit_follows_a_spanish_browser(accept):
    response = Client(HTTP_ACCEPT_LANGUAGE=accept).get("/")

    assert html_lang(response) == "es"
    assert response["Content-Language"] == "es"
    assert "Empezar su formulario de admisión" in page_text(response)
    # Nothing is stored until the person chooses.
    assert COOKIE not in response.cookies


@pytest.mark.parametrize("accept", ["en-US,en;q=0.9", "fr-FR", "en,es;q=0.5", ""], ids=repr)
def test_any_other_browser_gets_english(accept):
    response = Client(HTTP_ACCEPT_LANGUAGE=accept).get("/")

    assert html_lang(response) == "en"
    assert "Start your intake" in page_text(response)


def test_the_switch_is_a_link_to_the_same_page_that_sets_the_cookie_for_the_visit(client):
    page = client.get("/crisis/").content.decode()
    assert 'href="?lang=es"' in page
    assert 'lang="es" hreflang="es">Español</a>' in page

    response = client.get("/crisis/?lang=es")

    assert response.status_code == 302
    assert response["Location"] == "/crisis/"
    cookie = response.cookies[COOKIE]
    assert cookie.value == "es"
    # For the visit: no expiry date, so it ends when the browser closes.
    assert not cookie["expires"] and not cookie["max-age"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    again = client.get("/crisis/")
    assert html_lang(again) == "es"
    assert "Hay ayuda disponible ahora mismo" in page_text(again)
    # The current language is marked, not a link.
    assert 'aria-current="true">Español</span>' in again.content.decode()

    back = client.get("/crisis/?lang=en")
    assert back.cookies[COOKIE].value == "en"
    assert html_lang(client.get("/crisis/")) == "en"


def test_the_choice_beats_the_browser():
    client = spanish_client()
    client.get("/?lang=en")

    assert html_lang(client.get("/privacy/")) == "en"


def test_the_switch_keeps_the_rest_of_the_query_and_stays_on_this_site(client):
    response = client.get("/appointments/request/?lang=es&from=home")
    assert response["Location"] == "/appointments/request/?from=home"

    response = client.get("//evil.example/?lang=es")
    assert response["Location"].startswith("/")
    assert not response["Location"].startswith("//")


def test_an_unknown_language_changes_nothing(client):
    response = client.get("/?lang=xx")

    assert response.status_code == 302
    assert COOKIE not in response.cookies
    assert html_lang(client.get("/")) == "en"


@pytest.mark.parametrize(
    "url", ["/", "/crisis/", "/privacy/", "/intake/", "/appointments/request/", "/nowhere/"]
)
def test_every_public_page_has_the_switch_and_is_in_spanish(url):
    client = spanish_client()
    response = client.get(url)

    body = response.content.decode()
    assert html_lang(response) == "es"
    assert 'class="language-switch"' in body
    assert 'href="?lang=en"' in body
    # The crisis bar puts the Spanish-language line first, and every page keeps tel: and sms:.
    bar = body[body.index('class="crisis-bar"') :]
    bar = bar[: bar.index("</aside>")]
    assert bar.index("oprima 2") < bar.index("Más recursos")
    assert 'href="tel:988"' in bar
    assert 'href="sms:988?&amp;body=AYUDA"' in bar


def test_the_error_pages_are_in_spanish_too():
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("es"):
        page = render_to_string("500.html")
    assert '<html lang="es">' in page
    assert "Algo salió mal de nuestro lado" in page
    assert 'href="?lang=en"' in page

    client = spanish_client(enforce_csrf_checks=True)
    response = client.post("/intake/", {})
    assert response.status_code == 403
    assert "Su página llevaba un buen rato abierta" in page_text(response)


def test_an_oversized_request_is_refused_in_spanish(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = spanish_client().post("/intake/", {"website": "x" * 500})

    assert response.status_code == 413
    assert html_lang(response) == "es"
    assert "Demasiado para enviar de una vez" in page_text(response)


def test_the_crisis_page_lists_the_spanish_line_first_in_spanish():
    text = page_text(spanish_client().get("/crisis/"))

    assert text.index("988 en español") < text.index("988 Línea de Prevención")
    assert "Línea de Crisis para Veteranos" in text
    assert "1-800-662-4357" in text


def test_staff_pages_stay_in_the_staff_language_whatever_the_cookie(client):
    client.get("/?lang=es")

    response = client.get("/accounts/login/")

    assert html_lang(response) == "en"
    assert 'class="language-switch"' not in response.content.decode()


# --- The language kept with the draft --------------------------------------------------------


def test_an_intake_started_in_spanish_is_kept_in_spanish():
    client = spanish_client()
    token = start(client)

    draft = Draft.objects.get()
    assert draft.language == "es"
    page = client.get(step_url(token, "about"))
    assert html_lang(page) == "es"
    assert "Sobre usted (paso 1 de 8)" in page_text(page)


def test_the_about_step_starts_from_the_language_in_use():
    client = spanish_client()
    token = start(client)

    form = client.get(step_url(token, "about")).context["forms"].form

    assert form["preferred_language"].value() == "es"


def test_a_saved_preferred_language_wins_over_the_language_in_use():
    client = spanish_client()
    token = start(client)
    post(client, step_url(token, "about"), step_data("about", preferred_language="en"))

    form = client.get(step_url(token, "about")).context["forms"].form

    assert form["preferred_language"].value() == "en"


def test_the_private_link_reopens_in_the_intakes_language_in_a_new_browser():
    _draft, token = draft_at("questionnaires", spanish_client())

    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    response = elsewhere.get(f"/intake/r/{token}/")

    # The redirect already carries the language for the rest of the visit.
    assert response.cookies[COOKIE].value == "es"
    page = elsewhere.get(response["Location"])
    assert html_lang(page) == "es"
    assert "Cuestionarios" in page_text(page)
    # And the pages that are not the intake's follow for the visit.
    assert html_lang(elsewhere.get("/crisis/")) == "es"


def test_switching_on_an_intake_page_is_saved_with_the_draft(client):
    token = start(client)
    assert Draft.objects.get().language == "en"

    response = client.get(f"{step_url(token, 'about')}?lang=es")
    assert response["Location"] == step_url(token, "about")
    assert html_lang(client.get(response["Location"])) == "es"

    assert Draft.objects.get().language == "es"
    # The private link, opened anywhere, now opens in Spanish.
    elsewhere = Client()
    open_link(elsewhere, token)
    assert html_lang(elsewhere.get(step_url(token, "about"))) == "es"


def test_a_submission_records_the_language_it_was_answered_in():
    client = spanish_client()
    token = start(client)
    fill(client, token)

    draft = Draft.objects.get()
    assert draft_to_intake(draft)["language"] == "es"
    assert draft.submission.intake["language"] == "es"
    assert draft.submission.answered_in == "es"
    status = client.get("/intake/my/done/")
    assert html_lang(status) == "es"
    assert "Gracias, recibimos su formulario de admisión" in page_text(status)


def test_the_private_link_email_is_in_the_intakes_language():
    client = spanish_client()
    client.get("/intake/")
    _draft, token = draft_at("questionnaires", client)

    # Asked for from an English page, the email is still in the intake's language.
    client.get("/?lang=en")
    Draft.objects.update(language="es")
    client.post("/intake/my/email-link/")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Su enlace privado para continuar su formulario"
    assert message.body.startswith("Hola:")
    assert "Este es su enlace privado para continuar donde se quedó" in message.body
    assert re.search(r"Funciona hasta el \d{1,2} de [a-z]+ de \d{4}\.", message.body)
    assert f"/intake/r/{token}/" in message.body


def test_an_english_intake_gets_the_email_in_english(client):
    _draft, token = draft_at("questionnaires", client)

    client.post("/intake/my/email-link/")

    assert mail.outbox[0].subject == "Your private link to continue your form"


# --- Messages in Spanish ---------------------------------------------------------------------


def test_the_intakes_own_validation_messages_are_in_spanish():
    client = spanish_client()
    token = start(client)

    response = post(
        client,
        step_url(token, "about"),
        step_data("about", legal_name=None, postal_code="123", date_of_birth_year="87"),
    )

    text = page_text(response)
    assert "3 respuestas necesitan revisión" in text
    assert "Escriba su nombre legal completo" in text
    assert "Escriba un código postal (ZIP) de 5 dígitos, por ejemplo 28401" in text
    assert "Escriba el año con 4 cifras, por ejemplo 1987" in text
    assert "Todo lo que escribió sigue aquí" in text


def test_djangos_own_messages_come_out_in_spanish():
    client = spanish_client()

    response = client.post("/appointments/request/", {"phone": "910 555 0142"})

    errors = response.context["form"].errors
    assert errors["name"] == ["Este campo es obligatorio."]
    assert errors["best_time"] == ["Este campo es obligatorio."]
    text = page_text(response)
    assert "Por favor, revise estas respuestas" in text
    assert "Su nombre: Este campo es obligatorio." in text


def test_dates_on_the_page_follow_spanish_conventions():
    client = spanish_client()
    start(client)

    text = page_text(client.get("/intake/my/saved/"))

    assert re.search(r"Funciona hasta el \d{1,2} de [a-z]+ de \d{4}\.", text)
