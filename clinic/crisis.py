"""Crisis resources: the one place every page, email and crisis panel reads them from.

Source: the clinical reference's crisis resources (United States). The 988 "press 3" option for
LGBTQ+ youth ended on 17 July 2025 and must not be listed.

Wording is translated where it is shown (gettext_lazy). In Spanish the Spanish-language line
comes first everywhere (``lead()``, ``in_order()``): call 988 and press 2, text AYUDA to 988.
"""

from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Contact:
    label: str
    href: str  # tel:, sms: or https: link that works from a phone


@dataclass(frozen=True)
class CrisisResource:
    slug: str
    name: str
    summary: str
    contacts: tuple[Contact, ...] = field(default_factory=tuple)


SHORT_LINE = _(
    "If you are struggling or in crisis, help is available: call or text 988, "
    "or chat at 988lifeline.org."
)
NOT_MONITORED = _(
    "This website and its forms are not monitored in real time. If you need help now, "
    "use one of the numbers on this page."
)

CHAT_URL = "https://988lifeline.org/chat/"

LIFELINE = CrisisResource(
    slug="988",
    name=_("988 Suicide & Crisis Lifeline"),
    summary=_("Free, confidential support 24 hours a day, 7 days a week."),
    contacts=(
        Contact(_("Call 988"), "tel:988"),
        Contact(_("Text 988"), "sms:988"),
        Contact(_("Chat at 988lifeline.org"), CHAT_URL),
    ),
)
# The same words in both languages: this is the line for people who speak Spanish. The text
# link carries the message (`?&body=`, the form both iOS and Android fill in).
SPANISH = CrisisResource(
    slug="espanol",
    name="988 en español",
    summary="Ayuda en español: llame al 988 y oprima 2, o envíe AYUDA por texto al 988.",
    contacts=(
        Contact("Llame al 988 y oprima 2", "tel:988"),
        Contact("Envíe AYUDA al 988", "sms:988?&body=AYUDA"),
    ),
)
VETERANS = CrisisResource(
    slug="veterans",
    name=_("Veterans Crisis Line"),
    summary=_("For veterans, service members and their families: dial 988 then press 1."),
    contacts=(
        Contact(_("Dial 988 then press 1"), "tel:988"),
        Contact(_("Text 838255"), "sms:838255"),
        Contact(_("Chat at VeteransCrisisLine.net"), "https://www.veteranscrisisline.net/"),
    ),
)
CRISIS_TEXT_LINE = CrisisResource(
    slug="crisis-text-line",
    name=_("Crisis Text Line"),
    summary=_("Text with a trained crisis counselor: text HOME to 741741."),
    contacts=(Contact(_("Text HOME to 741741"), "sms:741741?&body=HOME"),),
)
SAMHSA = CrisisResource(
    slug="samhsa",
    name=_("SAMHSA National Helpline"),
    summary=_(
        "Free treatment referral and information, in English and Spanish, 24/7. "
        "Find treatment near you at FindTreatment.gov."
    ),
    contacts=(
        Contact(_("Call 1-800-662-4357 (1-800-662-HELP)"), "tel:+18006624357"),
        Contact(_("TTY 1-800-487-4889"), "tel:+18004874889"),
        Contact("FindTreatment.gov", "https://findtreatment.gov/"),
    ),
)
EMERGENCY = CrisisResource(
    slug="911",
    name=_("Immediate danger"),
    summary=_(
        "If you or someone else is in immediate danger, call 911 or go to the nearest "
        "emergency room."
    ),
    contacts=(Contact(_("Call 911"), "tel:911"),),
)

RESOURCES = (LIFELINE, SPANISH, VETERANS, CRISIS_TEXT_LINE, SAMHSA, EMERGENCY)


def in_spanish() -> bool:
    return (get_language() or "").startswith("es")


def lead() -> CrisisResource:
    """The line a page puts first: the Spanish-language line for a page in Spanish."""
    return SPANISH if in_spanish() else LIFELINE


def in_order() -> tuple[CrisisResource, ...]:
    """Every resource, the page's lead line first."""
    first = lead()
    return (first, *(resource for resource in RESOURCES if resource is not first))


def others() -> tuple[CrisisResource, ...]:
    """What a crisis panel lists under its lead line and 911."""
    return tuple(r for r in in_order()[1:] if r is not EMERGENCY)
