"""The staff workspace tests use the personas in tests/conftest.py (a clinician and a colleague,
a coordinator, an administrator and an outsider), shared with tests/test_url_access.py."""
