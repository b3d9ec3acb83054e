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


def test_a_pdf_embeds_a_stored_image_given_as_a_data_url():
    import base64

    from mobility.pdf import data_image_for, image_data_url

    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    url = image_data_url(png, "image/png")
    assert data_image_for(url) == (png, "image/png")
    pdf = html_to_pdf(f'<p>Photo</p><img src="{url}" style="width:2cm">')
    assert b"/Subtype /Image" in pdf


@pytest.mark.parametrize(
    "url",
    [
        "data:text/html;base64,PHNjcmlwdD48L3NjcmlwdD4=",
        "data:image/svg+xml;base64,PHN2Zy8+",
        "data:image/png,not-base64",
        "data:image/png;base64,%%%",
    ],
)
def test_a_pdf_refuses_any_other_embedded_data(url):
    from mobility.pdf import data_image_for

    with pytest.raises(ValueError):
        data_image_for(url)
