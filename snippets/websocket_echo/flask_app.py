"""WebSockets in Flask, with the flask-sock extension: the same echo, one thread per connection.

flask-sock needs a server that gives each connection a thread (or greenlet):
Flask's development server, gunicorn with --threads, or gevent/eventlet. A
binary message closes the connection with code 1003, as in the FastAPI
version.
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
