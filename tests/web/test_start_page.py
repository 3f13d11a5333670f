def test_the_start_page_speaks_german(app):
    response = app.test_client().get("/")
    assert response.status_code == 200
    assert 'lang="de"' in response.get_data(as_text=True)
