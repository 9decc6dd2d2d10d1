"""Reading gettext catalogues in tests, with the standard library only: a .po file's entries
(context, English, plural, translations, flags) and the English sentences a page must not show
in Spanish."""

import re
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPANISH_PO = REPO / "locale" / "es" / "LC_MESSAGES" / "django.po"
SPANISH_MO = SPANISH_PO.with_suffix(".mo")

_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def key(self):
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr)


def read_po(path=SPANISH_PO) -> list[Entry]:
    """Every entry but the header, in file order."""
    entries, entry, last = [], None, None
    for raw in Path(path).read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry is not None:
                entries.append(entry)
            entry = None
            continue
        if entry is None:
            entry = Entry()
        if line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#:"):
            entry.references += line[2:].split()
        elif line.startswith("#"):
            continue
        elif match := _LINE.match(line):
            keyword, index, value = match.groups()
            value = _unquote(value)
            if keyword.startswith("msgstr"):
                entry.msgstr.append(value)
                last = ("msgstr", len(entry.msgstr) - 1)
            else:
                setattr(entry, keyword, value)
                last = (keyword, None)
        elif line.startswith('"') and last is not None:
            value = _unquote(line[1:-1])
            keyword, index = last
            if keyword == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, keyword, (getattr(entry, keyword) or "") + value)
    return [e for e in entries if e.msgid != "" or e.msgctxt is not None]


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


def placeholders(text: str) -> list[str]:
    return sorted(a or b for a, b in PLACEHOLDER.findall(text))


def english_sentences(min_words=4) -> list[str]:
    """The English texts of the catalogue that Spanish replaces with different words, as a page
    shows them (placeholders and markup out, split where a placeholder or a tag was), longer
    than `min_words - 1` words: none of them may be on a page in Spanish."""
    found = set()
    for entry in read_po():
        if not entry.translated or entry.msgctxt:
            continue
        for english, spanish in zip(
            [entry.msgid, entry.msgid_plural or entry.msgid], entry.msgstr, strict=False
        ):
            if english == spanish:
                continue
            for piece in re.split(r"<[^>]+>|%\(\w+\)[sd]|\{\w*\}|&\w+;", english):
                piece = " ".join(piece.split()).strip(" .,:;")
                if len(piece.split()) >= min_words:
                    found.add(piece)
    return sorted(found)
