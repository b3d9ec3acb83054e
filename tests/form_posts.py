"""Posting a page's form as a browser does: with the hidden fields the page rendered."""

import re

from django.test import Client

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def rendered_tokens(client: Client, url: str) -> list[str]:
    page = client.get(url)
    assert page.status_code == 200, url
    return TOKEN.findall(page.content.decode())


def form_token(client: Client, url: str) -> str:
    """The one-time token of the (single) form that `url` renders."""
    tokens = rendered_tokens(client, url)
    assert len(tokens) == 1, f"{url} renders {len(tokens)} one-time forms"
    return tokens[0]
