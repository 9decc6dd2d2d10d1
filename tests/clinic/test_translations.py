"""The Spanish catalogue is complete and current (issue 14): `makemessages` finds no text the
catalogue lacks, no entry is untranslated or fuzzy, every translation keeps its placeholders,
and the compiled `django.mo` that the install uses is the `django.po` compiled. Django's own
messages come out in Spanish too.

The catalogue's tools are GNU gettext's (`xgettext`, `msgmerge`, `msgfmt`): these tests are
skipped with a message when they are missing, except in CI (`REQUIRE_GETTEXT=1`, .ci/run), where
a missing tool fails them.
"""

import gettext
import os
import shutil
import subprocess
import sys

import pytest
from django.utils import translation

from tests.translations import REPO, SPANISH_MO, SPANISH_PO, placeholders, read_po

TOOLS = ("xgettext", "msgmerge", "msgfmt")


@pytest.fixture
def gettext_tools():
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"GNU gettext is needed ({', '.join(missing)}): apt-get install gettext"
        if os.environ.get("REQUIRE_GETTEXT"):
            pytest.fail(message)
        pytest.skip(message)


def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = read_po()

    assert len(entries) > 800
    untranslated = [e.msgid for e in entries if not e.translated]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    obsolete = [e.msgid for e in entries if e.obsolete]
    assert untranslated == []
    assert fuzzy == []
    assert obsolete == []


def test_every_translation_keeps_the_placeholders_of_its_english():
    wrong = []
    for entry in read_po():
        for index, spanish in enumerate(entry.msgstr):
            english = entry.msgid_plural if index and entry.msgid_plural else entry.msgid
            if placeholders(spanish) != placeholders(english):
                wrong.append((entry.msgid, spanish))
    assert wrong == []


def test_makemessages_finds_no_new_text(gettext_tools, tmp_path):
    """Run the project's makemessages on a copy of the sources: the catalogue it writes has
    exactly the committed catalogue's entries (no text missing, none left over)."""
    copy = tmp_path / "project"
    shutil.copytree(
        REPO,
        copy,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "venv", "mutants", "node_modules", ".hypothesis", ".ruff_cache",
            "staticfiles", "__pycache__", "*.sqlite3", "*.egg-info", ".pytest_cache",
        ),
    )  # fmt: skip
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "clinic.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603 (our own command, fixed arguments)
        [sys.executable, "manage.py", "makemessages", "-l", "es"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr

    fresh = {e.key: e for e in read_po(copy / "locale" / "es" / "LC_MESSAGES" / "django.po")}
    committed = {e.key: e for e in read_po()}
    new = sorted(str(key) for key in fresh.keys() - committed.keys())
    gone = sorted(str(key) for key in committed.keys() - fresh.keys())
    assert new == [], (
        "Text the Spanish catalogue lacks: run `manage.py makemessages -l es`, translate, then "
        "`manage.py compilemessages -l es` (README, Spanish)"
    )
    assert gone == [], "Entries no text uses any more: run `manage.py makemessages -l es`"


def test_the_compiled_catalogue_is_the_po_compiled(gettext_tools, tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(  # noqa: S603 (fixed arguments)
        [shutil.which("msgfmt"), "--check-format", "-o", str(compiled), str(SPANISH_PO)],
        check=True,
        timeout=60,
    )

    def catalogue(path):
        with open(path, "rb") as mo:
            return gettext.GNUTranslations(mo)._catalog

    assert SPANISH_MO.exists(), "Run `manage.py compilemessages -l es` and commit django.mo"
    assert catalogue(SPANISH_MO) == catalogue(compiled), (
        "locale/es/LC_MESSAGES/django.mo is older than django.po: "
        "run `manage.py compilemessages -l es` and commit it"
    )


def test_the_install_ships_the_compiled_catalogue():
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    tracked = subprocess.run(  # noqa: S603 (fixed arguments)
        [git, "ls-files", "--error-unmatch", str(SPANISH_MO.relative_to(REPO))],
        cwd=REPO,
        capture_output=True,
        timeout=30,
    )
    if tracked.returncode == 128 and b"not a git repository" in tracked.stderr:
        pytest.skip("not a git checkout")
    assert tracked.returncode == 0, "commit locale/es/LC_MESSAGES/django.mo"


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        ("This field is required.", "Este campo es obligatorio."),
        ("Enter a valid date.", "Introduzca una fecha válida."),
        ("Enter a valid email address.", "Introduzca una dirección de correo electrónico válida."),
    ],
)
def test_djangos_own_messages_have_spanish(english, spanish):
    with translation.override("es"):
        assert translation.gettext(english) == spanish


def test_the_questionnaires_use_their_published_spanish_versions():
    """A few lines of the PHQ-9 and GAD-7 Spanish (USA) and the C-SSRS screener's Spanish, so
    that a well-meant retranslation does not slip in (docs/spanish-glossary.md)."""
    with translation.override("es"):
        _ = translation.gettext
        assert _("Not at all") == "Ningún día"
        assert _("More than half the days") == "Más de la mitad de los días"
        assert _("Little interest or pleasure in doing things") == (
            "Poco interés o placer en hacer cosas"
        )
        assert _(
            "Thoughts that you would be better off dead or of hurting yourself in some way"
        ) == ("Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera")
        assert _("Feeling nervous, anxious, or on edge") == (
            "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta"
        )
        assert _(
            "Have you wished you were dead or wished you could go to sleep and not wake up?"
        ) == ("¿Ha deseado estar muerto(a) o poder dormirse y no despertar?")
        assert "Pfizer Inc." in _(
            "PHQ-9 developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and "
            "colleagues, with an educational grant from Pfizer Inc."
        )
