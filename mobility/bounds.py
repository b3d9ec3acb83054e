"""Bounded types for every value the API takes in: ids, dates and date-times.

An unbounded `int` or `date` lets a request reach the database or date arithmetic with a
value neither can hold (an id past bigint, `9999-12-31 + 1 day`), and the answer is a 500.
Every schema and path parameter uses these types instead, so a wrong value is refused at
the door with a French 422 (mobility.api turns the errors into sentences). A report's or a
quote's period keeps plain dates: its own rules bound it more tightly, in their own words.
"""

from datetime import date, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

# Primary keys are BigAutoField (settings.DEFAULT_AUTO_FIELD): a signed 64-bit integer.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# What a PositiveIntegerField holds on every database (a version number, a count).
MAX_POSITIVE_INT = 2**31 - 1

# Wide enough for a birth date and for a plan years ahead, narrow enough that adding days,
# weeks or a year to it never leaves what Python and the databases can hold.
FIRST_YEAR = 1900
LAST_YEAR = 2100
OUT_OF_RANGE = "date_out_of_range"
OUT_OF_RANGE_MESSAGE = f"date hors des limites (années {FIRST_YEAR} à {LAST_YEAR})"


def _within_years(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError(OUT_OF_RANGE, OUT_OF_RANGE_MESSAGE)
    return value


# Time zones in use on Earth run from UTC-12:00 to UTC+14:00; PostgreSQL refuses an offset
# past ±15:59 with a database error, so anything outside the real range stops here.
OFFSET_OUT_OF_RANGE = "offset_out_of_range"
OFFSET_OUT_OF_RANGE_MESSAGE = "décalage horaire impossible (de -12:00 à +14:00)"


def _real_offset(value: datetime) -> datetime:
    offset = value.utcoffset()
    if offset is not None and not timedelta(hours=-12) <= offset <= timedelta(hours=14):
        raise PydanticCustomError(OFFSET_OUT_OF_RANGE, OFFSET_OUT_OF_RANGE_MESSAGE)
    return value


Day = Annotated[date, AfterValidator(_within_years)]
Moment = Annotated[datetime, AfterValidator(_within_years), AfterValidator(_real_offset)]
