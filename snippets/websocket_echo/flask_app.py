"""WebSockets in Flask, with the flask-sock extension: the same echo, one thread per connection.

flask-sock needs a server that gives each connection a thread (or greenlet):
Flask's development server, gunicorn with --threads, or gevent/eventlet.
"""

from flask import Flask
from flask_sock import Sock

app = Flask(__name__)
sock = Sock(app)


@sock.route("/ws")
def echo(ws):
    while True:
        text = ws.receive()
        ws.send(f"echo: {text}")
