"""Two slips in a FastAPI app that mypy reports before any request is made.

FastAPI takes a handler's types from its signature: the body arrives as the
declared model, and the return type is the response model. Those are ordinary
type hints, so mypy knows `order.item` is a `str` and that `place_order`
promises a `Receipt`, and checks every use. Run, each slip answers 500, but
only once a request reaches it. mypy's report is fastapi_mistakes.mypy.txt.
"""

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()

PRICES = {"pen": 1.5, "notebook": 4.0}


class Order(BaseModel):
    item: str
    quantity: int


class Receipt(BaseModel):
    item: str
    total: float


def total_price(unit_price: float, quantity: int) -> float:
    return unit_price * quantity


@app.post("/orders")
def place_order(order: Order) -> Receipt:
    # The item's name, where its price, PRICES[order.item], belongs.
    return Receipt(item=order.item, total=total_price(order.item, order.quantity))


@app.post("/orders/preview")
def preview_order(order: Order) -> Receipt:
    # The order as it came in, not the receipt the endpoint promises.
    return order
