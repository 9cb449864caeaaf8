"""lossgraph's PyTorch reference: SSD default boxes, matching, MultiBoxLoss and fixture files."""
