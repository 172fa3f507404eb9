"""The REST API's routes, one module per resource; each `router(assistant)` binds one."""
