"""The clone creates tables in an order that lets every foreign key be declared in CREATE TABLE."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from shared_apps.database.schema_clone import _creation_order, clone_schema, clone_statements


def test_tables_come_after_the_tables_they_reference():
    order, closing = _creation_order({"visit": {"visitor", "host"}, "host": {"user"}, "visitor": set(), "user": set()})
    assert order.index("visit") > max(order.index("visitor"), order.index("host"))
    assert order.index("host") > order.index("user")
    assert closing == set()


def test_a_cycle_of_references_is_closed_once_both_tables_exist():
    order, closing = _creation_order({"a": {"b"}, "b": {"a"}, "c": {"a"}})
    assert order == ["a", "b", "c"]
    assert closing == {("a", "b")}  # a is created first; its key to b is added after b exists


def test_a_clone_outside_a_transaction_is_refused(monkeypatch):
    # In autocommit the catalog would name the template's tables with their schema: foreign keys into the template.
    # Patch the wrapper itself: patched through the `connection` proxy, pytest's undo deletes the attribute (the
    # proxy's own __dict__ lacks it), and the test database's teardown then fails.
    monkeypatch.setattr(connections[DEFAULT_DB_ALIAS], "in_atomic_block", False)
    for clone in (clone_statements, clone_schema):
        with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
            clone(template="_template_company", target="never_made")
