"""Prebuilt Core statements run straight on the DBAPI cursor, converted as SQLAlchemy would.

The per-update hot path (who is acting, the quick-note draft, Gem) runs a dozen small indexed
statements per note. Through `Connection.execute` each one costs SQLAlchemy's execution
context, events and result set-up: ~30 µs of CPU for a statement SQLite runs in ~3 µs
(python -m bot bench --only components). Here SQLAlchemy compiles the statement once per
dialect and set of parameter names, and each execution is one cursor call plus the type
conversions SQLAlchemy itself would apply (its own bind and result processors), so a value
reads and writes the same either way. The rows come back as plain tuples (`Rows`). While
anyone watches the statements (echo, a `before_cursor_execute` listener) they go through
`Connection.execute`, so that the watcher sees every one.

An expanding IN list gets a plan per list length (SQLAlchemy's own
`construct_expanded_state`). A statement this cannot run exactly as SQLAlchemy would goes
through `Connection.execute` as before: Python-side column defaults (prefetch),
literal-execute and tuple IN lists, escaped bind names, duplicate result keys, a missing
parameter (so that SQLAlchemy raises its own error), a parameter style other than the named
and qmark ones. DBAPI errors are wrapped as SQLAlchemy wraps them (IntegrityError,
OperationalError ...), parameters hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any] | None

_MISSING = object()


# One placeholder: (its name in the SQL, the parameter key it takes its value from, else its
# name in the statement (SQLAlchemy looks in that order), the index in that parameter's list for
# an expanded IN list or None, the value compiled into the statement or _MISSING, SQLAlchemy's
# bind processor for its type).
Bind = tuple[str, str, str, int | None, Any, Processor]


@dataclass(slots=True)
class Plan:
    """One statement compiled for one dialect and one set of parameter names."""

    sql: str
    binds: tuple[Bind, ...]
    positional: bool
    keys: tuple[str, ...]  # result columns; empty for a statement without rows
    result_types: tuple[sa.types.TypeEngine[Any], ...]
    # Result processors, found at the first execution (they may depend on the cursor's types).
    processors: tuple[Processor, ...] | None = None


@dataclass(slots=True)
class _Expanding:
    """A statement with IN lists: one plan per combination of list lengths."""

    compiled: SQLCompiler
    lists: tuple[str, ...]
    plans: dict[tuple[int, ...], Plan | None]


_PLANS: dict[tuple[sa.Executable, str, tuple[str, ...]], Plan | _Expanding | None] = {}
_PLAN_CACHE_LIMIT = 1000  # prebuilt statements only: a handful; guard against misuse
_LENGTHS_LIMIT = 64  # IN-list lengths per statement (departments, assigned residents)


def plan_for(stmt: sa.Executable, dialect: Dialect, params: Mapping[str, Any]) -> Plan | None:
    """Return the statement's plan for these parameters, or None to use Core instead."""
    key = (stmt, dialect.name, tuple(params))
    found = _PLANS.get(key, _MISSING)
    if found is _MISSING:
        found = _prepare(stmt, dialect, key[2])
        if len(_PLANS) < _PLAN_CACHE_LIMIT:
            _PLANS[key] = found
    if not isinstance(found, _Expanding):
        return found  # type: ignore[return-value]
    lists = [params.get(name) for name in found.lists]
    if not all(isinstance(v, list | tuple) for v in lists):
        return None  # Core says what is wrong with it
    lengths = tuple(len(v) for v in lists)  # type: ignore[arg-type]
    plan = found.plans.get(lengths, _MISSING)
    if plan is _MISSING:
        plan = _expanded(found, dialect, params)
        if len(found.plans) < _LENGTHS_LIMIT:
            found.plans[lengths] = plan
    return plan  # type: ignore[return-value]


def _prepare(
    stmt: sa.Executable, dialect: Dialect, names: tuple[str, ...]
) -> Plan | _Expanding | None:
    if dialect.paramstyle not in {"qmark", "named", "pyformat"}:
        return None
    if not (getattr(stmt, "is_select", False) or getattr(stmt, "is_dml", False)):
        return None  # text() and the like: whether they return rows is not known up front
    # Compiled as Connection.execute compiles it: the parameter names decide an INSERT's columns.
    compiled = stmt.compile(dialect=dialect, column_keys=sorted(names))  # type: ignore[attr-defined]
    if not isinstance(compiled, SQLCompiler):
        return None
    if (
        compiled.literal_execute_params
        or compiled.insert_prefetch
        or compiled.update_prefetch
        or compiled.escaped_bind_names
        or compiled.has_out_parameters
    ):
        return None
    if compiled.post_compile_params:
        lists = compiled.post_compile_params
        if not all(b.expanding and not b.type._is_tuple_type for b in lists):
            return None
        return _Expanding(compiled, tuple(compiled.bind_names[b] for b in lists), {})
    positional = dialect.paramstyle == "qmark"
    order = compiled.positiontup if positional else list(compiled.bind_names.values())
    if order is None:
        return None
    return _plan(compiled, dialect, compiled.string, order, {})


def _expanded(found: _Expanding, dialect: Dialect, params: Mapping[str, Any]) -> Plan | None:
    compiled = found.compiled
    try:
        state = compiled.construct_expanded_state(dict(params))
    except sa.exc.SQLAlchemyError:
        return None  # Core raises the same error, with its own message
    positional = dialect.paramstyle == "qmark"
    order = state.positiontup if positional else list(state.parameters)
    if order is None:
        return None
    expanded = {
        name: (source, index)
        for source, names in state.parameter_expansion.items()
        for index, name in enumerate(names)
    }
    return _plan(compiled, dialect, state.statement, order, expanded)


def _plan(
    compiled: SQLCompiler,
    dialect: Dialect,
    sql: str,
    order: Sequence[str],
    expanded: Mapping[str, tuple[str, int]],
) -> Plan | None:
    binds: list[Bind] = []
    for name in order:
        source, index = expanded.get(name, (name, None))
        bind = compiled.binds.get(source)
        if bind is None or bind.callable is not None:
            return None
        fixed = _MISSING if bind.required or index is not None else bind.value
        process = bind.type._cached_bind_processor(dialect)
        binds.append((name, bind.key, source, index, fixed, process))
    columns = compiled._result_columns
    keys = tuple(c.keyname for c in columns)
    if len(set(keys)) != len(keys):
        return None
    return Plan(
        sql=sql,
        binds=tuple(binds),
        positional=dialect.paramstyle == "qmark",
        keys=keys,
        result_types=tuple(c.type for c in columns),
    )


def _through_core(
    connection: sa.Connection, stmt: sa.Executable, params: Mapping[str, Any] | None
) -> Rows:
    result = connection.execute(stmt, dict(params) if params is not None else None)
    if not result.returns_rows:
        return Rows((), ())
    return Rows(tuple(result.keys()), [tuple(row) for row in result])


def execute(
    connection: sa.Connection, stmt: sa.Executable, params: Mapping[str, Any] | None = None
) -> Rows:
    """Run a prebuilt statement in the connection's transaction and return its result."""
    given = params or {}
    dialect = connection.dialect
    plan = None if _observed(connection) else plan_for(stmt, dialect, given)
    if plan is None:
        return _through_core(connection, stmt, params)
    values: list[Any] = []
    try:
        for _, key, source, index, fixed, process in plan.binds:
            found = given[key] if key in given else given.get(source, fixed)
            value = found if index is None else found[index]
            if value is _MISSING:
                raise LookupError(source)
            values.append(value if process is None else process(value))
    except Exception:
        # A missing parameter or a value its type refuses (a naive datetime ...): SQLAlchemy
        # says what is wrong, with the error type callers know (StatementError).
        return _through_core(connection, stmt, params)
    bound: Sequence[Any] | dict[str, Any] = (
        values if plan.positional else dict(zip((b[0] for b in plan.binds), values, strict=True))
    )
    if not connection.in_transaction():
        connection.begin()  # as Connection.execute autobegins
    dbapi = connection.connection.driver_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        cursor.execute(plan.sql, bound)
        rows = cursor.fetchall() if plan.keys else []
        description = cursor.description
    except dialect.loaded_dbapi.Error as exc:
        raise _wrapped(connection, plan.sql, exc, cursor) from exc
    finally:
        cursor.close()
    return Rows(plan.keys, _processed(plan, dialect, rows, description))


def _observed(connection: sa.Connection) -> bool:
    # Somebody watches the statements (echo, a cursor-execute listener): let them see these.
    dispatch = connection.dispatch
    return bool(connection._echo or dispatch.before_cursor_execute or dispatch.after_cursor_execute)


def execute_driver_sql(connection: sa.Connection, sql: str) -> None:
    """Run one statement without parameters or rows (BEGIN ...) straight on the driver."""
    if _observed(connection):
        connection.exec_driver_sql(sql)
        return
    dialect = connection.dialect
    dbapi = connection.connection.driver_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        cursor.execute(sql)
    except dialect.loaded_dbapi.Error as exc:
        raise _wrapped(connection, sql, exc, cursor) from exc
    finally:
        cursor.close()


def _wrapped(connection: sa.Connection, sql: str, exc: Exception, cursor: Any) -> BaseException:
    """Wrap a DBAPI error as Connection.execute does, invalidating a dropped connection."""
    dialect = connection.dialect
    dbapi_connection = connection.connection.dbapi_connection
    dropped = dialect.is_disconnect(cast("Any", exc), dbapi_connection, cursor)
    if dropped:
        connection.invalidate(exc)  # the pool must not hand this connection out again
    return sa.exc.DBAPIError.instance(
        sql,
        None,
        exc,
        dialect.loaded_dbapi.Error,
        hide_parameters=True,
        connection_invalidated=dropped,
        dialect=dialect,
    )


def _processed(plan: Plan, dialect: Dialect, rows: list[Any], description: Any) -> list[Any]:
    if plan.processors is None:
        coltypes = [d[1] for d in description] if description else [None] * len(plan.keys)
        plan.processors = tuple(
            t._cached_result_processor(dialect, c)
            for t, c in zip(plan.result_types, coltypes, strict=False)
        )
    processors = plan.processors
    if all(p is None for p in processors):
        return rows
    return [
        tuple(v if p is None else p(v) for p, v in zip(processors, row, strict=True))
        for row in rows
    ]


class Rows:
    """A statement's rows as plain tuples, with the few ways the repositories read them."""

    __slots__ = ("keys", "rows")

    def __init__(self, keys: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self.keys = keys
        self.rows = rows

    def __iter__(self) -> Iterator[Sequence[Any]]:
        return iter(self.rows)

    def first(self) -> Sequence[Any] | None:
        """Return the first row, or None."""
        return self.rows[0] if self.rows else None

    def first_by_name(self) -> dict[str, Any] | None:
        """Return the first row as a dict by column name, or None."""
        return dict(zip(self.keys, self.rows[0], strict=True)) if self.rows else None

    def one(self) -> Sequence[Any]:
        """Return the only row; raise as SQLAlchemy does for none or several."""
        if not self.rows:
            raise sa.exc.NoResultFound("No row was found when one was required")
        if len(self.rows) > 1:
            raise sa.exc.MultipleResultsFound("Multiple rows were found when one was required")
        return self.rows[0]

    def scalar_one(self) -> Any:
        """Return the first column of the only row."""
        return self.one()[0]

    def scalars(self) -> list[Any]:
        """Return the first column of every row."""
        return [row[0] for row in self.rows]
