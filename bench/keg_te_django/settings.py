# settings.py -- the least a Django project needs to serve the four tests: no
# middleware (the keg app installs none either), DEBUG off, the cached template loader
# (Django's default with DEBUG off), one persistent SQLite connection per worker as
# the C servers keep one per thread. The database file comes from KEG_TE_DB.
import os

BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "keg-te-bench-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["keg_te_django"]
MIDDLEWARE = []
ROOT_URLCONF = "keg_te_django.urls"
WSGI_APPLICATION = "keg_te_django.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [os.path.join(BASE_DIR, "templates")],
    "APP_DIRS": False,
}]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("KEG_TE_DB", os.path.join(BASE_DIR, "te.sqlite3")),
        "CONN_MAX_AGE": None,
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
