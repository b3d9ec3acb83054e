from django.apps import AppConfig


class DrivingSchoolConfig(AppConfig):
    """Enrolments, lessons, attendance, exams and the two-stage licence funding."""

    name = "drivingschool"
    verbose_name = "Auto-école sociale"

    def ready(self):
        from drivingschool.registration import register
        from mobility.registry import registry

        # What the module adds to the core's pages, API, demo and report.
        register(registry)
