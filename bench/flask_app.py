# flask_app.py -- the benchmark's Flask side: the same two routes (/plaintext, /json),
# served by gunicorn (2 sync workers) from bench/vial.sh.
from flask import Flask, Response, jsonify

app = Flask(__name__)


@app.route("/plaintext")
def plaintext():
    return Response("Hello, World!", mimetype="text/plain")


@app.route("/json")
def json():
    return jsonify(message="Hello, World!")
