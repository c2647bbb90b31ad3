# views.py -- the four tests as a Django app writes them: rows got by pk one by one,
# the fortunes fetched, one added, sorted by message and rendered, the updates saved
# one by one inside one transaction.
import random
from operator import attrgetter

from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import render

from .models import Fortune, World

WORLDS = 10000


def _queries(request):
    """TechEmpower's rule: 1 when missing or not a number, clamped to 1..500."""
    try:
        n = int(request.GET.get("queries", "1"))
    except ValueError:
        n = 1
    return min(max(n, 1), 500)


def _world(w):
    return {"id": w.id, "randomNumber": w.randomnumber}


def db(request):
    return JsonResponse(_world(World.objects.get(id=random.randint(1, WORLDS))))


def queries(request):
    worlds = [World.objects.get(id=random.randint(1, WORLDS))
              for _ in range(_queries(request))]
    return JsonResponse([_world(w) for w in worlds], safe=False)


def fortunes(request):
    rows = list(Fortune.objects.all())
    rows.append(Fortune(id=0, message="Additional fortune added at request time."))
    rows.sort(key=attrgetter("message"))
    return render(request, "fortunes.html", {"fortunes": rows})


def updates(request):
    worlds = [World.objects.get(id=random.randint(1, WORLDS))
              for _ in range(_queries(request))]
    with transaction.atomic():
        for w in worlds:
            w.randomnumber = random.randint(1, WORLDS)
            w.save()
    return JsonResponse([_world(w) for w in worlds], safe=False)
