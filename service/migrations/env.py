"""Alembic environment: the database URL comes from the caller or the Flask app's config.

``service.models.migrate`` passes the URL in ``config.attributes["url"]``; a plain ``alembic``
call without it migrates the database of ``create_app()`` (FOERDERWERK_DATABASE_URL).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool, text

from service.models import Base


def _url() -> str:
    url = context.config.attributes.get("url")
    if url:
        return str(url)
    from service import create_app

    return str(create_app().config["DATABASE_URL"])


def run_migrations_offline() -> None:
    url = _url()
    context.configure(
        url=url,
        target_metadata=Base.metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = _url()
    engine = create_engine(url, poolclass=pool.NullPool)
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as connection:
            if sqlite:
                # SQLite alters a table by copying and dropping it; with foreign keys on, the
                # drop would delete or refuse the referencing rows. Checked again below.
                connection.execute(text("PRAGMA foreign_keys=OFF"))
                connection.commit()
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                broken = connection.execute(text("PRAGMA foreign_key_check")).all()
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
