"""Every PDF of the product reads the project's static files and nothing else."""

import pytest

from mobility.pdf import BASE_URL, html_to_pdf, static_file_for


def test_a_pdf_reads_the_projects_static_files():
    assert static_file_for(BASE_URL + "/static/img/logo.svg").name == "logo.svg"


def test_a_pdf_reads_the_collected_files_with_hashed_names(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "logo.3f2a9c.svg").write_text("<svg/>")
    assert static_file_for(BASE_URL + "/static/img/logo.3f2a9c.svg").read_text() == "<svg/>"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/tracker.png",
        "file:///etc/passwd",
        BASE_URL + "/static/../../etc/passwd",
        BASE_URL + "/static/img/../../../../etc/passwd",
        BASE_URL + "/media/secret.pdf",
        BASE_URL + "/static/img/missing.svg",
    ],
)
def test_a_pdf_refuses_every_other_resource(url):
    with pytest.raises(ValueError):
        static_file_for(url)


def test_a_pdf_with_a_tracker_is_drawn_without_it():
    pdf = html_to_pdf('<p>Contrat</p><img src="https://example.org/tracker.png">')
    assert pdf.startswith(b"%PDF")
