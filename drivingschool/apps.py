from django.apps import AppConfig


class DrivingSchoolConfig(AppConfig):
    """Enrolments, lessons, attendance, exams and the two-stage licence funding."""

    name = "drivingschool"
    verbose_name = "Auto-école sociale"
