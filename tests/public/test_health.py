"""The health check and basic public responses."""


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_home_renders_on_an_empty_site(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No articles have been published yet." in response.text
