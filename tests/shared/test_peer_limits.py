"""Parent links a peer sends: followed with cycle and depth checks."""

from __future__ import annotations

from custom_components.energy_portals.peer_limits import MAX_NESTING, nesting_ok


def test_parent_chains() -> None:
    """A plug under its monitor is fine; a cycle and a chain deeper than MAX_NESTING are not."""
    assert nesting_ok(2, {2: 1}.get)
    assert nesting_ok(1, {2: 1}.get)
    assert not nesting_ok(1, {1: 2, 2: 1}.get)
    assert not nesting_ok(1, {1: 1}.get)
    chain = {gid: gid + 1 for gid in range(MAX_NESTING + 1)}
    assert not nesting_ok(0, chain.get)
    assert nesting_ok(1, chain.get)
