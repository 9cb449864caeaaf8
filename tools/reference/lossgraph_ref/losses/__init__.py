"""One package per loss: what a loss adds to the shared reference code (lossgraph_ref)."""
