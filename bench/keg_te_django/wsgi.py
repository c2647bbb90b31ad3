# wsgi.py -- the WSGI entry gunicorn serves: keg_te_django.wsgi:application.
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keg_te_django.settings")
application = get_wsgi_application()
