def test_the_start_page_speaks_german(app):
    response = app.test_client().get("/")
    assert response.status_code == 200
    assert 'lang="de"' in response.get_data(as_text=True)


def test_the_start_page_shows_the_demo_partnership_and_its_two_funds(demo_app):
    page = demo_app.test_client().get("/").get_data(as_text=True)
    assert "Partnerschaft für Demokratie Boizenburg/Elbe – Lübtheen" in page
    assert "Aktions- und Initiativfonds 2026" in page
    assert "Jugendfonds 2026" in page
    assert "Stadt Boizenburg/Elbe" in page
    # money in German notation
    assert "5.000,00\xa0€" in page


def test_the_start_page_answers_with_security_headers(app):
    response = app.test_client().get("/")
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_page_answers_a_german_404(app):
    response = app.test_client().get("/gibt-es-nicht")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.get_data(as_text=True)
