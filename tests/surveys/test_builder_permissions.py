"""Who may open the builder's pages: the owner's staff and the directorate 200, another
agency's staff 404 (never its title), a citizen's account 403, anonymous visitors to login;
and who may take the workflow's steps through the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.surveys.conftest import make_survey

pytestmark = pytest.mark.django_db

PAGES = ["", "edit/", "preview/"]
ROLES = {
    "admin": 200,
    "directorate_staff": 200,
    "head_roads": 200,
    "officer_roads": 200,
    "officer_health": 404,
    "outsider": 403,
}


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", sorted(ROLES))
def test_survey_page_matrix(world: Any, role: str, page: str) -> None:
    survey = make_survey(world.roads, title="نظرسنجی محرمانهٔ راه", state="draft")
    response = client_for(getattr(world, role)).get(f"/backoffice/surveys/{survey.pk}/{page}")
    assert response.status_code == ROLES[role]
    if ROLES[role] != 200:
        assert "نظرسنجی محرمانهٔ راه" not in response.content.decode()


@pytest.mark.parametrize("page", ["", "new/"])
@pytest.mark.parametrize("role", sorted(ROLES))
def test_list_and_create_pages(world: Any, role: str, page: str) -> None:
    response = client_for(getattr(world, role)).get(f"/backoffice/surveys/{page}")
    assert response.status_code == (403 if role == "outsider" else 200)


@pytest.mark.parametrize("page", ["", "new/", "{pk}/", "{pk}/edit/", "{pk}/preview/"])
def test_anonymous_visitors_are_sent_to_log_in(world: Any, page: str) -> None:
    survey = make_survey(world.roads, state="draft")
    response = Client().get("/backoffice/surveys/" + page.format(pk=survey.pk))
    assert response.status_code == 302
    assert "/login" in response["Location"]


@pytest.mark.parametrize("role", sorted(ROLES))
def test_other_agencys_staff_cannot_post_steps(world: Any, role: str) -> None:
    survey = make_survey(world.roads, state="draft")
    section = survey.sections.get()
    question = survey.questions.first()
    assert question is not None
    client = client_for(getattr(world, role))
    base = f"/backoffice/surveys/{survey.pk}/"
    posts = [
        (base + f"questions/{question.pk}/delete/", {}),
        (base + f"sections/{section.pk}/delete/", {}),
        (base + "sections/new/", {"s-title": "بخش بیگانه"}),
        (base + "delete/", {}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        if ROLES[role] == 200:
            assert response.status_code == 302
        else:
            assert response.status_code == ROLES[role]
    if ROLES[role] != 200:
        survey.refresh_from_db()
        assert survey.questions.filter(pk=question.pk).exists()
        assert survey.sections.count() == 1
