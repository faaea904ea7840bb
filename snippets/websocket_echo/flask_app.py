"""WebSockets in Flask, with the flask-sock extension: the same echo, two threads per connection.

The view runs for as long as the connection is open, so it holds a worker
thread, and simple-websocket (under flask-sock) reads the socket on a second
thread. It needs a server that gives each connection its own thread:
Flask's development server or gunicorn with --threads (or gevent, where both
become greenlets). A binary message closes the connection with code 1003, as
in the FastAPI version.
"""

from flask import Flask
from flask_sock import Sock

app = Flask(__name__)
sock = Sock(app)


@sock.route("/ws")
def echo(ws):
    while True:
        message = ws.receive()
        if not isinstance(message, str):
            ws.close(reason=1003, message="Text messages only")
            return
        ws.send(f"echo: {message}")
