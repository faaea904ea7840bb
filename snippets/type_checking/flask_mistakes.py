"""The same two slips in Flask, which mypy lets through: the body is typed `Any`.

`request.get_json()` returns `Any` (so does `request.json`), and so does every
value taken from it: mypy accepts `Any` wherever a type is expected, so passing
`order["item"]` as a price, or returning the order as the receipt, type-checks.
Run, both answer 200 with the wrong body. mypy's report is
flask_mistakes.mypy.txt.
"""

from typing import TypedDict

from flask import Flask, request

app = Flask(__name__)

PRICES = {"pen": 1.5, "notebook": 4.0}


class Receipt(TypedDict):
    item: str
    total: float


def total_price(unit_price: float, quantity: int) -> float:
    return unit_price * quantity


@app.post("/orders")
def place_order() -> Receipt:
    order = request.get_json()
    # The item's name, where its price, PRICES[order["item"]], belongs.
    return {"item": order["item"], "total": total_price(order["item"], order["quantity"])}


@app.post("/orders/preview")
def preview_order() -> Receipt:
    # The order as it came in, not the receipt the endpoint promises.
    return request.get_json()
