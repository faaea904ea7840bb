"""CORS in Flask, with the flask-cors extension: the same single origin, methods and headers."""

from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
CORS(app, origins=["https://app.example.com"], methods=["GET", "POST"], allow_headers=["Content-Type"])


@app.get("/items")
def list_items():
    return {"items": ["Pen", "Pencil"]}
