import importlib
import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mobility.settings")

# Offline commands may run without a secret; a web server never does: fail at start-up,
# not at the first sign-in. (Reading django.conf.settings.SECRET_KEY when it is empty
# raises a less telling message.)
if not importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"]).SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set (or DEBUG=1 for a local demo).")

application = get_wsgi_application()
