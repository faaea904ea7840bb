"""WebSockets in FastAPI: native, an endpoint that echoes each text message until the client leaves."""

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
            await websocket.close(code=1003, reason="Text messages only")  # (1)!
            return
        await websocket.send_text(f"echo: {message['text']}")
