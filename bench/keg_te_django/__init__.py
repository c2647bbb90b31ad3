# keg_te_django -- the Django side of bench/keg.sh: TechEmpower's four database tests
# (/db, /queries, /fortunes, /updates) as a minimal Django project on SQLite, the
# project and its one app in this package, served by gunicorn (2 sync workers).
