"""Accessibility audits with axe-core (bundled by axe-playwright-python)."""

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()
BLOCKING = {"serious", "critical"}


def serious_violations(page):
    results = _axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node.get("target")) for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING
    ]


def assert_accessible(page):
    problems = serious_violations(page)
    assert not problems, f"axe found serious problems on {page.url}:\n" + "\n".join(problems)
