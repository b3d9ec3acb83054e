from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class MobilityConfig(AppConfig):
    name = "mobility"
    verbose_name = "Plateforme mobilité"

    def ready(self):
        from mobility import accounts  # noqa: F401  (connects the sign-out message)


class MobilityAdminConfig(admin_apps.AdminConfig):
    """/admin/ is the platforms' admin site: platform administrators get in by their role."""

    default = False  # MobilityConfig stays the "mobility" app

    default_site = "mobility.admin_site.PlatformAdminSite"
