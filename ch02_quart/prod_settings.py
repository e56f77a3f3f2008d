"""Production settings as a Python class, loaded with ``app.config.from_object``.

Only UPPER-CASE attributes become config keys. No password here: a settings
file is checked in, so the database password comes from the environment
(``QUART_SQLURI=postgresql://user:pw@host/db``, read by
``app.config.from_prefixed_env()``; see load_settings.py).
"""


class Config:
    DEBUG = False
    SQLURI = "postgresql://localhost/db"
