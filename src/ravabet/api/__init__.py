"""The JSON API at /api/v1/: mounts the router each capability registers (core.registry)."""
