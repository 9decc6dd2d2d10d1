"""A whole intake in Spanish in a real browser at phone size (issue 14): a browser that asks for
Spanish, every page in Spanish with the accessibility audit clean, the private link resumed in
a new browser that asks for English (the intake comes back in Spanish), the support page with
the Spanish-language line first, and the intake sent. No English sentence of the catalogue may
be left on any page visited."""

import os
import re

import pytest
from playwright.sync_api import expect

from screening.models import Draft, Submission
from tests.a11y import assert_accessible
from tests.translations import english_sentences

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("INTAKE_SCREENSHOTS")
ENGLISH = english_sentences()
PHONE = {"width": 360, "height": 740}
SETTINGS = {"timezone_id": "America/New_York", "reduced_motion": "reduce"}


def check_page(page, name):
    assert page.get_attribute("html", "lang") == "es", name
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    shown = " ".join((page.title() + " " + page.inner_text("body")).split())
    left = [sentence for sentence in ENGLISH if sentence in shown]
    assert not left, f"English on {name}: {left}"
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/es-{name}.png", full_page=True)


def choose(page, name, value):
    page.locator(f'input[name="{name}"][value="{value}"]').check()


def save_and_continue(page, next_path):
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar y continuar").click()
    problems = page.locator("#error-summary").all_inner_texts()
    assert page.url.endswith(f"/{next_path}/"), problems


def test_a_spanish_speaker_completes_an_intake_on_a_phone(live_server, browser):
    assert len(ENGLISH) > 300
    phone = browser.new_context(viewport=PHONE, locale="es-US", **SETTINGS)
    page = phone.new_page()

    # The home page follows the browser's language; the switch is there.
    page.goto(live_server.url + "/")
    check_page(page, "0-home")
    expect(page.get_by_role("link", name="English")).to_be_visible()
    page.get_by_role("link", name="Empezar su formulario de admisión").first.click()
    page.wait_for_url(re.compile(r".*/intake/$"))
    check_page(page, "0-welcome")
    page.get_by_role("button", name="Empezar mi formulario de admisión").click()

    # 1. About you, with a mistake first: the messages are Spanish, Django's own too.
    page.wait_for_url(re.compile(r".*/about/$"))
    check_page(page, "1-about")
    expect(page.locator("#id_preferred_language_1")).to_be_checked()  # Español, from the page
    page.get_by_label("Nombre legal completo").fill("María José Gutiérrez")
    # The same US order in Spanish, the month by its Spanish name.
    page.get_by_label("Mes", exact=True).select_option(label="febrero")
    page.get_by_label("Día", exact=True).fill("30")
    page.get_by_label("Año", exact=True).fill("1990")
    page.get_by_role("button", name="Guardar y continuar").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Febrero de 1990 tiene 28 días: revise el día")
    expect(summary).to_be_focused()
    check_page(page, "1-about-errors")
    page.get_by_label("Día", exact=True).fill("28")
    choose(page, "sex_at_birth", "male")
    page.get_by_label("Dirección de correo electrónico").fill("majo@example.org")
    page.get_by_label("Número de teléfono celular").fill("(910) 555-0142")
    page.get_by_label("Código postal (ZIP)").fill("28401")
    page.get_by_label("Estado").select_option("NC")
    choose(page, "contact_channels", "text")
    save_and_continue(page, "care-team")

    # 2. Care team: the private link, to carry on elsewhere.
    expect(
        page.get_by_role("heading", name="Sus respuestas hasta ahora están guardadas")
    ).to_be_visible()
    private_link = page.get_by_label("Su enlace privado").input_value()
    check_page(page, "2-care-team")
    page.locator("#id_emergency_contact_name").fill("Alejandro Gutiérrez")
    page.get_by_label("Qué relación tiene con usted").fill("hermano")
    page.locator("#id_emergency_contact_phone").fill("910 555 0199")
    choose(page, "driver_available", "yes")
    save_and_continue(page, "mental-health")

    # 3. Mental-health history; then "finish later".
    check_page(page, "3-mental-health")
    page.locator('input[name="diagnoses"][value="depression"]').check()
    page.get_by_label("¿Cuántas hospitalizaciones ha tenido").fill("0")
    for name in ("psychosis_now", "psychosis_past", "psychosis_family", "mania_now"):
        choose(page, name, "no")
    page.locator("#id_trials-0-medication").fill("sertralina")
    page.locator("#id_trials-0-weeks").fill("12")
    page.locator("#id_trials-0-current_episode").select_option("yes")
    page.locator("#id_trials-0-improvement").select_option("none")
    page.get_by_role("button", name="Agregar otro antidepresivo").click()
    expect(page.locator("#id_trials-1-medication")).to_be_focused()
    expect(page.locator('[data-rows-status="trials"]')).to_have_text("Se agregó: Antidepresivo 2.")
    page.locator("#id_trials-1-medication").fill("escitalopram")
    page.locator("#id_trials-1-weeks").fill("8")
    page.locator("#id_trials-1-current_episode").select_option("yes")
    page.locator("#id_trials-1-improvement").select_option("a_little")
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar y terminar más tarde").click()
    check_page(page, "3b-saved")
    expect(page.get_by_role("heading", name="Sus respuestas están guardadas")).to_be_visible()
    phone.close()

    # A new browser, set to English, opens the private link: the intake comes back in Spanish.
    laptop = browser.new_context(viewport=PHONE, locale="en-US", **SETTINGS)
    page = laptop.new_page()
    # The link names SITE_URL; the test server listens elsewhere.
    page.goto(live_server.url + re.sub(r"^https?://[^/]+", "", private_link))
    page.wait_for_url(re.compile(r".*/questionnaires/$"))

    # 4. Questionnaires in their published Spanish; PHQ-9 item 9 above 0 leads to support.
    check_page(page, "4-questionnaires")
    expect(page.get_by_text("Poco interés o placer en hacer cosas")).to_be_visible()
    expect(page.get_by_text("Ningún día").first).to_be_visible()
    for item in range(1, 10):
        page.locator(f"#id_phq9_{item}_{1 if item == 9 else 2}").check()
    choose(page, "phq9_difficulty", "very")
    for item in range(1, 8):
        page.locator(f"#id_gad7_{item}_1").check()
    choose(page, "cssrs_q1", "no")
    choose(page, "cssrs_q2", "no")
    choose(page, "cssrs_q6", "no")
    save_and_continue(page, "support")

    # The support page: the Spanish-language line first, tel: and sms: with the message.
    check_page(page, "4b-support")
    buttons = page.locator(".crisis-panel .crisis-buttons a")
    expect(buttons.first).to_have_text("Llame al 988 y oprima 2")
    expect(buttons.first).to_have_attribute("href", "tel:988")
    expect(buttons.nth(1)).to_have_attribute("href", "sms:988?&body=AYUDA")
    bar = page.locator(".crisis-bar a").first
    expect(bar).to_have_text("Llame al 988 y oprima 2")
    with page.expect_navigation():
        page.get_by_role("button", name="Continuar mi formulario").click()

    # 5. Medical history.
    page.wait_for_url(re.compile(r".*/medical/$"))
    check_page(page, "5-medical")
    for name in (
        "hypertension", "heart_any", "brain_any", "glaucoma", "eye_injury", "seizures",
        "sleep_apnea", "severe_lung_disease", "bladder_problems", "dementia", "liver_disease",
        "thyroid", "has_allergies", "ketamine_allergy", "prior_anesthesia_or_ketamine_reaction",
    ):  # fmt: skip
        choose(page, name, "no")
    choose(page, "height_unit", "cm")
    page.locator("#id_height_cm").fill("175")
    page.locator("#id_weight_value").fill("80")
    choose(page, "weight_unit", "kg")
    save_and_continue(page, "substances")

    # 6. Substances.
    check_page(page, "6-substances")
    choose(page, "alcohol", "weekly")
    for name in (
        "cannabis", "stimulants_nonprescribed", "opioids_nonprescribed",
        "sedatives_nonprescribed", "dissociatives",
    ):  # fmt: skip
        choose(page, name, "never")
    choose(page, "problem_past_3_months", "no")
    choose(page, "ever_treated", "no")
    save_and_continue(page, "medications")

    # 7. Medications.
    check_page(page, "7-medications")
    page.locator("#id_medications-0-name").fill("sertralina")
    page.locator("#id_medications-0-dose").fill("100 mg")
    for name in (
        "takes_benzodiazepine", "takes_lamotrigine", "takes_maoi", "takes_stimulant",
        "takes_opioid", "takes_memantine", "takes_sedative_hypnotic",
    ):  # fmt: skip
        choose(page, name, "no")
    save_and_continue(page, "review")

    # 8. Review, in Spanish with Spanish dates, then consent and send.
    check_page(page, "8-review")
    expect(page.get_by_text("28 de febrero de 1990")).to_be_visible()
    expect(page.get_by_text("escitalopram, 8 semanas", exact=False)).to_be_visible()
    page.locator("#id_not_emergency_service").check()
    page.locator("#id_privacy_notice").check()
    page.locator("#id_contact_by_chosen_channels").check()
    page.get_by_label("Escriba su nombre completo para firmar").fill("María José Gutiérrez")
    page.get_by_role("button", name="Enviar mi formulario de admisión").click()
    page.wait_for_url(re.compile(r".*/done/$"))
    check_page(page, "9-done")

    submission = Submission.objects.get()
    expect(page.get_by_text(submission.reference)).to_be_visible()
    assert submission.intake["language"] == "es"
    assert submission.intake["about"]["preferred_language"] == "es"
    assert submission.intake["about"]["legal_name"] == "María José Gutiérrez"
    assert submission.outcome == "urgent"
    assert Draft.objects.get().language == "es"

    # The crisis page and an error page, on the same visit.
    page.goto(live_server.url + "/crisis/")
    check_page(page, "10-crisis")
    page.goto(live_server.url + "/no-such-page/")
    check_page(page, "11-not-found")
    # And the switch back to English works from the keyboard.
    page.get_by_role("link", name="English").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    laptop.close()
