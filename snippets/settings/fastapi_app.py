"""Configuration in FastAPI: typed settings from the environment with pydantic-settings."""

from fastapi import FastAPI
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    greeting: str = "Hello"
    max_items: int = 10  # (1)!


settings = Settings()
app = FastAPI()


@app.get("/settings")
def read_settings():
    return {"greeting": settings.greeting, "max_items": settings.max_items}
