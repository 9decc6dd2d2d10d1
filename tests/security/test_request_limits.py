"""Oversized or overstuffed requests get a clear 4xx, never a 500."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_an_oversized_body_is_refused_with_a_clear_413(client):
    body = "x=" + "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)

    response = client.post("/", data=body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 413
    assert "more than we can accept" in response.content.decode()
    assert 'href="tel:988"' in response.content.decode()
