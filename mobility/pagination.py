"""The API's one pagination: {"items": [...], "count": N} with bounded limit and offset.

django-ninja's own class leaves the offset unbounded: an offset past PostgreSQL's bigint
crashed the query instead of answering 422.
"""

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination as NinjaLimitOffsetPagination

MAX_OFFSET = 10**9

# What a wrong `limit` or `offset` is told (mobility.api turns pydantic's errors into these).
PAGINATION_MESSAGES = {
    "limit": "doit être un nombre entier de 1 à "
    f"{settings.NINJA_PAGINATION_MAX_LIMIT} (le nombre d'éléments par page)",
    "offset": f"doit être un nombre entier de 0 à {MAX_OFFSET} (le nombre d'éléments sautés)",
}


class LimitOffsetPagination(NinjaLimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
