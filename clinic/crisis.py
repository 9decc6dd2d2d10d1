"""Crisis resources: the one place every page, email and crisis panel reads them from.

Source: the clinical reference's crisis resources (United States). The 988 "press 3" option for
LGBTQ+ youth ended on 17 July 2025 and must not be listed.
"""

from dataclasses import dataclass, field


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


SHORT_LINE = (
    "If you are struggling or in crisis, help is available: call or text 988, "
    "or chat at 988lifeline.org."
)
NOT_MONITORED = (
    "This website and its forms are not monitored in real time. If you need help now, "
    "use one of the numbers on this page."
)

CHAT_URL = "https://988lifeline.org/chat/"

LIFELINE = CrisisResource(
    slug="988",
    name="988 Suicide & Crisis Lifeline",
    summary="Free, confidential support 24 hours a day, 7 days a week.",
    contacts=(
        Contact("Call 988", "tel:988"),
        Contact("Text 988", "sms:988"),
        Contact("Chat at 988lifeline.org", CHAT_URL),
    ),
)
SPANISH = CrisisResource(
    slug="espanol",
    name="988 en español",
    summary="Ayuda en español: llame al 988 y oprima 2, o envíe AYUDA por texto al 988.",
    contacts=(
        Contact("Llame al 988 y oprima 2", "tel:988"),
        Contact("Envíe AYUDA al 988", "sms:988?body=AYUDA"),
    ),
)
VETERANS = CrisisResource(
    slug="veterans",
    name="Veterans Crisis Line",
    summary="For veterans, service members and their families: dial 988 then press 1.",
    contacts=(
        Contact("Dial 988 then press 1", "tel:988"),
        Contact("Text 838255", "sms:838255"),
        Contact("Chat at VeteransCrisisLine.net", "https://www.veteranscrisisline.net/"),
    ),
)
CRISIS_TEXT_LINE = CrisisResource(
    slug="crisis-text-line",
    name="Crisis Text Line",
    summary="Text with a trained crisis counselor: text HOME to 741741.",
    contacts=(Contact("Text HOME to 741741", "sms:741741?body=HOME"),),
)
SAMHSA = CrisisResource(
    slug="samhsa",
    name="SAMHSA National Helpline",
    summary=(
        "Free treatment referral and information, in English and Spanish, 24/7. "
        "Find treatment near you at FindTreatment.gov."
    ),
    contacts=(
        Contact("Call 1-800-662-4357 (1-800-662-HELP)", "tel:+18006624357"),
        Contact("TTY 1-800-487-4889", "tel:+18004874889"),
        Contact("FindTreatment.gov", "https://findtreatment.gov/"),
    ),
)
EMERGENCY = CrisisResource(
    slug="911",
    name="Immediate danger",
    summary="If you or someone else is in immediate danger, call 911 or go to the nearest "
    "emergency room.",
    contacts=(Contact("Call 911", "tel:911"),),
)

RESOURCES = (LIFELINE, SPANISH, VETERANS, CRISIS_TEXT_LINE, SAMHSA, EMERGENCY)
