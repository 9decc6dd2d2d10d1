"""A complete no-risk intake in a real browser: how long it takes and how many questions it asks.

    .venv/bin/python bench/bench_intake_browser.py [--runs 5] [--project /path/to/checkout]

For the checkout given (this one by default; another one, say an older commit checked out
with `git worktree add`, runs with this checkout's .venv), it migrates a fresh SQLite database
in a temporary folder, starts `manage.py runserver --noreload` on a free port with rate limits
off, and drives Debian's Chromium (Playwright, 360 x 800, like a phone) through the whole
intake --runs times as a person with no risk and no contraindications: welcome, every step,
the review, consent and send, up to the confirmation page. It prints the median and range of
the wall time per intake and the questions the script answered (a question is one field name,
the parts of a date or of a height counted once).

It also counts, from the checkout's own definition (its step forms and the reveals of
screening.questionnaire), the questions such a person must answer: every required field of
every step, plus those a reveal makes required after an answer every person must give (the
height in the unit chosen), none of the follow-ups to a "yes"; repeatable rows (medicines,
treatments) are left empty, as the pages allow.

The filler reads the page, not a script of labels, so the same code runs against checkouts
whose wording or widgets differ (date boxes or a month list): each visible, unanswered
question that is not labelled "(optional)" is answered with the least risky choice ("No",
"Never", "Not at all", the lowest score), a plausible value for boxes chosen by the field's
name, autocomplete or type, and the first real option of a list. Nothing is asserted; a run
that cannot get past a page stops with the page's error summary.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Run inside the checkout measured, by its own `manage.py shell`.
DEFINITION_COUNT = r"""
import json
from screening.intake import steps

# A no-risk person: male at birth, so no pregnancy questions.
CONTEXT = {"sex_at_birth": "male"}
counts, preset = {}, {}
for step in steps.STEPS:
    form = step.form(context=CONTEXT)
    required = {name for name, field in form.fields.items() if field.required}
    by_controller = {}
    for reveal in getattr(form, "reveals", ()):
        if reveal.controller in form.fields:
            by_controller.setdefault(reveal.controller, []).append(reveal)
    for controller, reveals in by_controller.items():
        field = form.fields[controller]
        codes = {str(code) for code, _ in getattr(field, "choices", ()) if code != ""}
        shown = {str(value) for reveal in reveals for value in reveal.values}
        # Only when every answer reveals something must the person answer a follow-up: the
        # fewest any answer leads to (the height in feet, or in centimetres).
        if codes and codes <= shown:
            least = min(
                (
                    [n for n in r.required if n in form.fields and not form.fields[n].required]
                    for r in reveals
                ),
                key=len,
            )
            required |= set(least)
    counts[step.slug] = sorted(required)
    preset[step.slug] = sorted(
        name for name in required if form.fields[name].initial not in (None, "", [], ())
    )
print(json.dumps({"required": counts, "preset": preset}))
"""

FILL = {  # a box's value by a word in its name
    "legal_name": "Sam Q. Patient",
    "signature": "Sam Q. Patient",
    "contact_name": "Alex Patient",
    "relation": "brother",
    "email": "sam@example.org",
    "phone": "(910) 555-0142",
    "zip": "28401",
    "postal_code": "28401",
    "height_ft": "5",
    "height_in": "10",
    "height_cm": "178",
    "weight": "180",
    "hospital": "0",
    "age": "30",
    "weeks": "12",
}
AUTOCOMPLETE = {"name": "Sam Q. Patient", "email": "sam@example.org", "tel": "(910) 555-0142"}
DATE_PARTS = {"day": "14", "month": "2", "year": "1990"}
RADIO_PREFERENCES = (
    r"^(English)$",
    r"^(Male)$",
    r"^(Feet and inches|Feet)",
    r"^Pounds",
    r"^Not at all$",
    r"^Not difficult at all$",
    r"^No$",
    r"^Never$",
    r"^None$",
)

# Everything the page offers, visible and unanswered, with its label.
READ_PAGE = r"""() => {
  const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
    && getComputedStyle(el).visibility !== "hidden";
  const labelOf = el => {
    const own = el.id && document.querySelector(`label[for="${el.id}"]`);
    return ((own || el.closest("label"))?.innerText || el.getAttribute("aria-label") || "").trim();
  };
  const groupOf = el => {
    const fs = el.closest("fieldset");
    return fs ? (fs.querySelector("legend")?.innerText || "").trim() : "";
  };
  const main = document.querySelector("main") || document.body;
  const out = [];
  for (const el of main.querySelectorAll("input, select, textarea")) {
    if (el.disabled || el.type === "hidden" || el.name === "" || el.closest("[hidden]")) continue;
    // Repeatable rows (prefix-0-name) are left empty: the pages allow none.
    if (/-\d+-/.test(el.name)) continue;
    if (el.closest("form")?.method?.toLowerCase() !== "post") continue;
    const shown = visible(el) || (["radio", "checkbox"].includes(el.type)
      && visible(el.closest(".form-check") || el.parentElement));
    if (!shown) continue;
    out.push({id: el.id, name: el.name, type: el.type || el.tagName.toLowerCase(),
      tag: el.tagName.toLowerCase(), value: el.value, checked: !!el.checked,
      autocomplete: el.getAttribute("autocomplete") || "", label: labelOf(el),
      group: groupOf(el),
      options: el.tagName === "SELECT"
        ? [...el.options].map(o => ({value: o.value, text: o.text.trim()})) : []});
  }
  return out;
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def question_of(name: str) -> str:
    """One question per field: a date's or a height's parts, and a row prefix, collapsed."""
    name = re.sub(r"_(day|month|year)$", "", name)
    name = re.sub(r"(date|_on|_of_birth)_[012]$", r"\1", name)  # older checkouts' date boxes
    return re.sub(r"_(ft|in|cm)$", "", name)


def optional(item) -> bool:
    return "(optional)" in item["label"].lower() or "(optional)" in item["group"].lower()


def value_for(item) -> str | None:
    name, auto = item["name"], item["autocomplete"]
    for part, value in DATE_PARTS.items():
        if name.endswith(f"_{part}") or auto.endswith(f"-{part}"):
            return value
    if re.search(r"_[012]$", name) and "date" in name:  # older checkouts: day, month, year boxes
        return ("14", "2", "1990")[int(name[-1])]
    for word, value in FILL.items():
        if word in name:
            return value
    if auto in AUTOCOMPLETE:
        return AUTOCOMPLETE[auto]
    if item["type"] == "number":
        return "0"
    return "none" if item["tag"] == "textarea" or item["type"] == "text" else None


def choose_radio(options) -> dict:
    for pattern in RADIO_PREFERENCES:
        for option in options:
            if re.search(pattern, option["label"], re.I):
                return option
    scores = [o for o in options if o["value"] == "0"]  # questionnaires: the lowest score
    return scores[0] if scores else options[0]


def choose_option(item) -> str | None:
    real = [o for o in item["options"] if o["value"] != ""]
    if not real:
        return None
    if "state" in item["name"]:
        return "NC"
    for part, value in DATE_PARTS.items():
        if item["name"].endswith(f"_{part}"):
            return value
    for option in real:
        if re.fullmatch(r"No|Never|None", option["text"], re.I):
            return option["value"]
    return real[0]["value"]


def next_answer(items, slug: str, tried: set):
    """The first question on the page, in reading order, still to answer: (item, action, value)."""
    for item in items:
        name = item["name"]
        if item["type"] in ("submit", "button") or item["id"] in tried:
            continue
        if item["type"] == "radio":
            options = [o for o in items if o["name"] == name]
            if any(o["checked"] for o in options) or all(optional(o) for o in options):
                continue
            return choose_radio(options), "check", None
        if optional(item):
            continue
        if item["type"] == "checkbox":
            # The review's consent boxes each; elsewhere one tick in a list that must have one
            # (the ways to contact), preferring a text message.
            if slug == "review":
                if not item["checked"]:
                    return item, "check", None
                continue
            ticks = [o for o in items if o["name"] == name]
            if not any(o["checked"] for o in ticks):
                return min(ticks, key=lambda o: "text" not in o["label"].lower()), "check", None
            continue
        if item["value"]:
            continue
        if item["tag"] == "select":
            return item, "select", choose_option(item)
        return item, "fill", value_for(item)
    return None


def fill_page(page, slug: str, answered: set) -> None:
    """Answer what the page asks one question at a time, as a person reads it, so a question
    that an answer reveals (or hides) is seen as it would be."""
    tried: set[str] = set()
    while found := next_answer(page.evaluate(READ_PAGE), slug, tried):
        item, action, value = found
        tried.add(item["id"])
        box = page.locator(f"#{item['id']}")
        if action == "check":
            box.check()
        elif value is None:
            continue
        elif action == "select":
            box.select_option(value)
        else:
            box.fill(value)
        answered.add(f"{slug}:{question_of(item['name'])}")


def one_intake(browser, base: str) -> tuple[float, int]:
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="en-US")
    page = context.new_page()
    answered: set[str] = set()
    started = time.perf_counter()
    page.goto(base + "/intake/")
    page.get_by_role("button", name=re.compile("Start", re.I)).first.click()
    for _ in range(30):
        page.wait_for_load_state()
        path = page.url.split("?")[0].rstrip("/")
        slug = path.rsplit("/", 1)[-1]
        if slug == "done":
            break
        if slug in ("support", "medical-notice", "for-adults"):
            raise SystemExit(f"a no-risk person was sent to {slug}: check the filler's answers")
        fill_page(page, slug, answered)
        send = page.get_by_role("button", name=re.compile("^(Send my intake|Save and continue)"))
        before = page.url
        with page.expect_navigation():
            send.first.click()
        if page.url == before:
            problems = page.locator("#error-summary, [role=alert]").all_inner_texts()
            raise SystemExit(f"{slug}: the page was not accepted: {problems}")
    else:
        raise SystemExit("the intake did not reach the confirmation page")
    elapsed = time.perf_counter() - started
    context.close()
    return elapsed, answered


def start_server(project: Path, folder: Path) -> tuple[subprocess.Popen, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "RATELIMIT_ENABLE": "false",
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
    }
    env.pop("DEBUG", None)
    subprocess.run([str(PYTHON), "manage.py", "migrate", "-v0"], cwd=project, env=env, check=True)
    port = free_port()
    log = open(folder / "server.log", "w")  # noqa: SIM115 (kept open for the server's life)
    server = subprocess.Popen(
        [str(PYTHON), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"the server did not start: see {folder / 'server.log'}")


def definition_counts(project: Path) -> dict:
    out = subprocess.run(
        [str(PYTHON), "manage.py", "shell", "-c", DEFINITION_COUNT],
        cwd=project,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--verbose", action="store_true", help="list the questions per step")
    parser.add_argument("--project", type=Path, default=ROOT, help="the checkout to measure")
    args = parser.parse_args()
    project = args.project.resolve()
    commit = subprocess.run(
        ["git", "-C", str(project), "log", "-1", "--format=%h %s"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"checkout: {project} ({commit[:72]})")
    definition = definition_counts(project)
    counts, preset = definition["required"], definition["preset"]
    print(
        f"questions a no-risk person must answer (definition): "
        f"{sum(map(len, counts.values()))} "
        f"({', '.join(f'{slug} {len(names)}' for slug, names in counts.items())}); "
        f"{sum(map(len, preset.values()))} of them come answered "
        f"({', '.join(name for names in preset.values() for name in names)})"
    )
    with tempfile.TemporaryDirectory(prefix="bench-intake-browser-") as tmp:
        server, base = start_server(project, Path(tmp))
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                one_intake(browser, base)  # warm-up: first requests compile templates
                times, answered = [], set()
                for _ in range(args.runs):
                    elapsed, questions = one_intake(browser, base)
                    times.append(elapsed)
                    answered.add(len(questions))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    by_step = {}
    for question in questions:
        slug, name = question.split(":", 1)
        by_step.setdefault(slug, set()).add(name)
    print(
        f"questions the script answered in the browser: {', '.join(map(str, sorted(answered)))} "
        f"({', '.join(f'{slug} {len(names)}' for slug, names in by_step.items())})"
    )
    if args.verbose:
        for slug, names in counts.items():
            asked = by_step.get(slug, set())
            print(f"  {slug}: required {names}; answered {sorted(asked)}")
    print(
        f"complete intake, {args.runs} runs: median {statistics.median(times):.2f} s "
        f"(range {min(times):.2f}-{max(times):.2f} s)"
    )


if __name__ == "__main__":
    main()
