"""lossgraph's PyTorch reference: fixture files, their generators and checks, training steps and timing.

Everything that is one loss's lives in `losses/<loss>/`, reached through the registry `losses/__init__.py`;
the modules here are shared by every loss (docs in tools/reference/README.md).
"""
