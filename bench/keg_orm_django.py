# keg_orm_django.py -- the benchmark's Django side: the work of bench/keg-orm.sh done with
# Django's ORM on SQLite (DEBUG off, USE_TZ on, a file database in FOLDER set to WAL as
# keg's), on the same schema, the same rows and the same arguments as keg-orm-c.c and
# keg-orm-keg.c (splitmix64 from the same seed, see keg-orm.h). Prints one line per
# operation: NAME MICROSECONDS-PER-OP CHECKSUM, the CPU time of the best of REPS runs
# after a warm-up.
#   python3 keg_orm_django.py FOLDER [REPS]
import datetime
import os
import sys
import time

import django
from django.conf import settings

SEED = 20240613
PARENTS, CHILDREN = 1000, 9000
GETS, FILTERS, PREFETCHES = 2000, 100, 30
PAGE, BATCH = 100, 50
EPOCH, SPAN = 1262304000, 15 * 365 * 86400
M64 = (1 << 64) - 1

FOLDER = sys.argv[1]
REPS = max(1, int(sys.argv[2])) if len(sys.argv) > 2 else 3
DB = os.path.join(FOLDER, "django.db")

settings.configure(
    DEBUG=False,
    USE_TZ=True,
    TIME_ZONE="UTC",
    INSTALLED_APPS=[],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DB}},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
)
django.setup()

from django.db import connection, models, transaction  # noqa: E402  (after setup)


class Author(models.Model):
    name = models.CharField(max_length=100)
    rank = models.IntegerField()
    joined = models.DateTimeField()

    class Meta:
        app_label = "bench"


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    title = models.CharField(max_length=100)
    pages = models.IntegerField()
    published = models.DateTimeField()

    class Meta:
        app_label = "bench"


def splitmix(state):
    """Yields splitmix64 outputs from state, as kob_next in keg-orm-common.c."""
    while True:
        state = (state + 0x9E3779B97F4A7C15) & M64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        yield z ^ (z >> 31)


def stamp(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc)


def make_data():
    r = splitmix(SEED)
    authors = [("author %d %d" % (i + 1, next(r) % 1000000), next(r) % 1000,
                stamp(EPOCH + next(r) % SPAN)) for i in range(PARENTS)]
    books = []
    for i in range(CHILDREN):
        author_id = 1 + next(r) % PARENTS
        title = "book %d %d" % (i + 1, next(r) % 1000000)
        books.append((author_id, title, 1 + next(r) % 1000, stamp(EPOCH + next(r) % SPAN)))
    return authors, books


def make_args(stream, n, base, mod):
    r = splitmix(SEED + stream)
    return [base + next(r) % mod for _ in range(n)]


def author_sum(a):
    return a.id + a.rank + int(a.joined.timestamp()) % 1000 + len(a.name)


def book_sum(b):
    return (b.id + b.author_id + b.pages + int(b.published.timestamp()) % 1000
            + len(b.title))


AUTHORS, BOOKS = make_data()
GET_IDS = make_args(1, GETS, 1, CHILDREN)
FILTER_PAGES = make_args(2, FILTERS, 100, 700)
PREFETCH_FROM = make_args(3, PREFETCHES, 1, PARENTS - BATCH + 1)


def fresh_database():
    """A new database file with both tables (and the foreign key's index), in WAL."""
    connection.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(DB + suffix):
            os.remove(DB + suffix)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode = WAL")
    with connection.schema_editor() as editor:
        editor.create_model(Author)
        editor.create_model(Book)


def op_insert():
    fresh_database()
    total = 0
    t0 = time.process_time()
    with transaction.atomic():
        for name, rank, joined in AUTHORS:
            total += Author.objects.create(name=name, rank=rank, joined=joined).id
        for author_id, title, pages, published in BOOKS:
            total += Book.objects.create(author_id=author_id, title=title, pages=pages,
                                         published=published).id
    return time.process_time() - t0, total


def op_get():
    total = 0
    t0 = time.process_time()
    for pk in GET_IDS:
        total += book_sum(Book.objects.get(pk=pk))
    return time.process_time() - t0, total


def op_filter():
    total = 0
    t0 = time.process_time()
    for pages in FILTER_PAGES:
        for b in Book.objects.filter(pages__gte=pages).order_by("-id")[:PAGE]:
            total += book_sum(b)
    return time.process_time() - t0, total


def op_prefetch():
    total = 0
    t0 = time.process_time()
    for first in PREFETCH_FROM:
        qs = Author.objects.filter(id__gte=first).order_by("id")[:BATCH]
        for a in qs.prefetch_related("book_set"):
            total += author_sum(a)
            for b in a.book_set.all():
                total += book_sum(b)
    return time.process_time() - t0, total


OPS = [
    ("insert", PARENTS + CHILDREN, op_insert),
    ("get", GETS, op_get),
    ("filter", FILTERS, op_filter),
    ("prefetch", PREFETCHES, op_prefetch),
]


def main():
    for name, count, run in OPS:
        run()                                   # warm-up, not counted
        best, first = None, None
        for _ in range(REPS):
            secs, total = run()
            if first is not None and total != first:
                print("%s n/a checksums differ between runs" % name)
                break
            first = total
            best = secs if best is None else min(best, secs)
        else:
            print("%s %.3f %d" % (name, best / count * 1e6, first), flush=True)
    connection.close()


main()
