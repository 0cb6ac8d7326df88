"""Every desk URL, tried by everyone who must not use it."""

import pytest

from tenant_apps.visits.models import Visit


@pytest.fixture
def desk_paths(acme, make_visit):
    visit = make_visit(acme, state=Visit.State.ON_SITE)
    base = f"/desk/visits/acme/{visit.pk}"
    gets = ["/", "/desk/", "/desk/board/", "/desk/walk-in/", "/desk/evacuation/", "/desk/evacuation.csv",
            f"{base}/check-in/", f"{base}/note/", f"{base}/badge/", f"{base}/cancel/"]  # fmt: skip
    posts = ["/desk/walk-in/", f"{base}/check-in/", f"{base}/check-out/", f"{base}/cancel/", f"{base}/note/"]
    return gets, posts


def test_anonymous_is_sent_to_the_login_page(client_for, desk_paths):
    gets, posts = desk_paths
    anonymous = client_for("tower.localhost")
    for path in gets:
        response = anonymous.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), path
    for path in posts:
        response = anonymous.post(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), path


def test_company_users_on_their_own_host_find_no_desk(acme_admin, acme_member, desk_paths):
    gets, posts = desk_paths
    for client in (acme_admin, acme_member):
        for path in gets[1:]:
            assert client.get(path).status_code == 404, path
        for path in posts:
            assert client.post(path).status_code == 404, path


def test_the_other_buildings_desk_gets_404_on_tower_objects(harbour_desk, desk_paths):
    gets, posts = desk_paths
    for path in gets:
        if "/visits/" in path:
            assert harbour_desk.get(path).status_code == 404, path
    for path in posts:
        if "/visits/" in path:
            assert harbour_desk.post(path).status_code == 404, path


def test_it_staff_on_the_root_host_have_no_desk(it_staff):
    assert it_staff.get("/desk/").status_code == 404
