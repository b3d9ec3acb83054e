from tests.conftest import logged_in


def test_every_page_links_the_modules_styles_in_its_head(adviser):
    content = logged_in(adviser).get("/fiches/").content.decode()
    head = content.split("</head>")[0]
    for sheet in (
        "css/app.css",
        "diagnostics/diagnostics.css",
        "fleet/fleet.css",
        "drivingschool/school.css",
    ):
        assert sheet in head
    assert "stylesheet" not in content.split("</head>")[1]
