"""A FastAPI webhook receiver for trading signals, on Redis, to read and copy from."""
