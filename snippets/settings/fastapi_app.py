"""Configuration in FastAPI: typed settings from the environment with pydantic-settings.

`APP_MAX_ITEMS=abc` stops the app at start-up with a validation error,
instead of surfacing later as a wrong value.
"""

from fastapi import FastAPI
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    greeting: str = "Hello"
    max_items: int = 10


settings = Settings()
app = FastAPI()


@app.get("/settings")
def read_settings():
    return {"greeting": settings.greeting, "max_items": settings.max_items}
