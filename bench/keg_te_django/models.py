# models.py -- TechEmpower's two tables, named as keg names its models of app "bench"
# (bench_world, bench_fortune): the three servers read one database file.
from django.db import models


class World(models.Model):
    randomnumber = models.IntegerField()

    class Meta:
        db_table = "bench_world"


class Fortune(models.Model):
    message = models.CharField(max_length=2048)

    class Meta:
        db_table = "bench_fortune"
