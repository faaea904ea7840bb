"""WebSockets in FastAPI: native, an endpoint that echoes each text message until the client leaves.

A binary message is not text to echo: the endpoint closes the connection
with code 1003 (unsupported data), as RFC 6455 provides.
"""

from fastapi import FastAPI, WebSocket

app = FastAPI()


@app.websocket("/ws")
async def echo(websocket: WebSocket):
    await websocket.accept()
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return  # the client closed the connection
        if message.get("text") is None:
            await websocket.close(code=1003, reason="Text messages only")
            return
        await websocket.send_text(f"echo: {message['text']}")
