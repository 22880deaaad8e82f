"""The HTTP server of the shared deployment (SPEC §11). Importing this package imports nothing
heavy: the FastAPI application is in ``campusgate.server.api``."""
