"""What a clinician needs to act on an urgent submission now, in one place at the top of its page:
how to reach the person (phone, best time, the ways they agreed to), their emergency contact,
the flags one line each and the clinic's crisis-call script."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext

from . import formatting as fmt
from .answers import describe


@dataclass
class FlagLine:
    code: str
    severity: str
    title: str


@dataclass
class EmergencyContact:
    name: str
    relation: str
    phone: str

    def __bool__(self):
        return bool(self.name or self.phone)


@dataclass
class ActNow:
    phone: str
    best_time: str
    channels: str
    emergency_contact: EmergencyContact
    flags: list[FlagLine] = field(default_factory=list)
    script: list[str] = field(default_factory=list)

    @property
    def phone_link(self):
        """The phone as a tel: target (digits and a leading +)."""
        return "".join(c for c in self.phone if c.isdigit() or c == "+")


# Crisis first, then what excludes and what needs review; informational flags wait for the review.
_ORDER = {"crisis": 0, "exclude": 1, "review": 2}


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def present_act_now(intake, flags, *, best_time: str = "", script=()) -> ActNow:
    """`best_time` is what the person said when they asked to be called (if they did);
    `script` the clinic's crisis-call script, one step a line."""
    intake = intake if isinstance(intake, dict) else {}
    about = intake.get("about") if isinstance(intake.get("about"), dict) else {}
    care = intake.get("care_team") if isinstance(intake.get("care_team"), dict) else {}
    contact = care.get("emergency_contact")
    contact = contact if isinstance(contact, dict) else {}
    channels = about.get("contact_channels")
    lines = [
        FlagLine(f.get("code", ""), f.get("severity", ""), f.get("title", "") or f.get("code", ""))
        for f in flags or []
        if f.get("severity") in _ORDER
    ]
    lines.sort(key=lambda line: _ORDER[line.severity])
    return ActNow(
        phone=_text(about.get("phone")),
        best_time=best_time or gettext("Not given"),
        channels=describe("about.contact_channels", channels) if channels else fmt.not_answered(),
        emergency_contact=EmergencyContact(
            _text(contact.get("name")), _text(contact.get("relation")), _text(contact.get("phone"))
        ),
        flags=lines,
        script=list(script),
    )
